"""Builds a VelocityCollector vault (collector.db) the way VelocityCollector's CredentialResolver
does (vault/resolver.py, per the behaviour reference section 1): the same tables, a base64 salt
and a 100k-iteration PBKDF2 verifier in vault_metadata, a 480k-iteration PBKDF2 key used as a
Fernet key, one Fernet token per secret, empty secrets stored as NULL, plain-text usernames.

Input on stdin (JSON): {"file": path, "password": master, "credentials": [
  {"name", "username", "password"?, "sshKey"?, "sshKeyPassphrase"?, "isDefault"?}]}
Run with Debian's /usr/bin/python3 (python3-cryptography).
"""
import base64
import hashlib
import json
import os
import sqlite3
import sys

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

SCHEMA = """
CREATE TABLE IF NOT EXISTS vault_metadata (
  id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, value TEXT);
CREATE TABLE IF NOT EXISTS credentials (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT UNIQUE NOT NULL,
  username TEXT NOT NULL,
  password_encrypted TEXT,
  ssh_key_encrypted TEXT,
  ssh_key_passphrase_encrypted TEXT,
  is_default INTEGER DEFAULT 0,
  created_at TEXT DEFAULT CURRENT_TIMESTAMP,
  updated_at TEXT DEFAULT CURRENT_TIMESTAMP);
CREATE INDEX IF NOT EXISTS idx_credentials_name ON credentials(name);
CREATE INDEX IF NOT EXISTS idx_credentials_default ON credentials(is_default);
CREATE TABLE IF NOT EXISTS job_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, started_at TEXT NOT NULL,
  completed_at TEXT, total_devices INTEGER DEFAULT 0, success_count INTEGER DEFAULT 0,
  failed_count INTEGER DEFAULT 0, skipped_count INTEGER DEFAULT 0, status TEXT DEFAULT 'running',
  error_message TEXT, created_at TEXT DEFAULT CURRENT_TIMESTAMP);
"""


def derive_fernet(password: bytes, salt: bytes) -> Fernet:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=480000)
    return Fernet(base64.urlsafe_b64encode(kdf.derive(password)))


def main() -> None:
    spec = json.load(sys.stdin)
    password = spec["password"].encode()
    salt = os.urandom(16)
    verifier = hashlib.pbkdf2_hmac("sha256", password, salt, 100000)
    fernet = derive_fernet(password, salt)

    def enc(value):
        return fernet.encrypt(value.encode()).decode() if value else None

    conn = sqlite3.connect(spec["file"])
    conn.executescript(SCHEMA)
    conn.execute("INSERT INTO vault_metadata (key, value) VALUES ('salt', ?)", (base64.b64encode(salt).decode(),))
    conn.execute("INSERT INTO vault_metadata (key, value) VALUES ('password_hash', ?)", (base64.b64encode(verifier).decode(),))
    for c in spec["credentials"]:
        if c.get("isDefault"):
            conn.execute("UPDATE credentials SET is_default = 0")
        conn.execute(
            "INSERT INTO credentials (name, username, password_encrypted, ssh_key_encrypted,"
            " ssh_key_passphrase_encrypted, is_default) VALUES (?, ?, ?, ?, ?, ?)",
            (c["name"], c["username"], enc(c.get("password")), enc(c.get("sshKey")),
             enc(c.get("sshKeyPassphrase")), 1 if c.get("isDefault") else 0),
        )
    conn.commit()
    conn.close()


if __name__ == "__main__":
    main()
