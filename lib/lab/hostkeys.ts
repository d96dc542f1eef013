import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { utils, type ParsedKey } from "ssh2";
import { VcError } from "../core/errors";

/**
 * Host keys for lab devices. By default each device gets its own ed25519 key derived from the lab
 * seed and the device name, so a lab restarted with the same --seed keeps its fingerprints (and
 * known_hosts entries stay valid). Legacy devices that offer only RSA or ECDSA host key
 * algorithms get a freshly generated key of that type.
 */
export interface HostKey {
  /** What ssh2's Server takes (OpenSSH or PEM private key). */
  privateKey: string;
  /** "SHA256:<base64 without padding>". */
  fingerprint: string;
  /** OpenSSH public key line. */
  publicKey: string;
}

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

function sshString(data: Buffer | string): Buffer {
  const body = typeof data === "string" ? Buffer.from(data) : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

export function fingerprintOf(publicBlob: Buffer): string {
  return "SHA256:" + createHash("sha256").update(publicBlob).digest("base64").replace(/=+$/, "");
}

/**
 * The public half of an ed25519 seed. Importing the seed as JWK is ~15x faster than as PKCS#8 DER
 * (which matters for 1000 devices); OpenSSL derives the public key from `d` and ignores the
 * placeholder `x`, and the result is taken from the key object, so a wrong `x` cannot leak in.
 */
function ed25519PublicFromSeed(seed: Buffer): Buffer {
  try {
    const priv = createPrivateKey({
      key: { kty: "OKP", crv: "Ed25519", d: seed.toString("base64url"), x: Buffer.alloc(32).toString("base64url") },
      format: "jwk",
    });
    return Buffer.from(createPublicKey(priv).export({ format: "jwk" }).x as string, "base64url");
  } catch {
    const priv = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
    return createPublicKey(priv).export({ format: "der", type: "spki" }).subarray(-32);
  }
}

/** An ed25519 key whose 32-byte seed is derived from the given parts. */
export function derivedEd25519(...parts: string[]): HostKey {
  const seed = createHash("sha256")
    .update(["vc-lab-hostkey", ...parts].join("\u0000"))
    .digest();
  const pub = ed25519PublicFromSeed(seed);
  const publicBlob = Buffer.concat([sshString("ssh-ed25519"), sshString(pub)]);
  const check = seed.readUInt32BE(0);
  const checkBuf = Buffer.alloc(8);
  checkBuf.writeUInt32BE(check, 0);
  checkBuf.writeUInt32BE(check, 4);
  let privBlock = Buffer.concat([
    checkBuf,
    sshString("ssh-ed25519"),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(""),
  ]);
  const pad = (8 - (privBlock.length % 8)) % 8;
  privBlock = Buffer.concat([privBlock, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const nkeys = Buffer.alloc(4);
  nkeys.writeUInt32BE(1);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0"),
    sshString("none"),
    sshString("none"),
    sshString(""),
    nkeys,
    sshString(publicBlob),
    sshString(privBlock),
  ]);
  const b64 = body.toString("base64").replace(/.{1,70}/g, "$&\n");
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}-----END OPENSSH PRIVATE KEY-----\n`,
    fingerprint: fingerprintOf(publicBlob),
    publicKey: `ssh-ed25519 ${publicBlob.toString("base64")}`,
  };
}

/** A host key the offered algorithms can use: ed25519 unless only RSA or ECDSA algorithms are offered. */
export function hostKeyFor(serverHostKeyAlgorithms: string[] | undefined, ...parts: string[]): HostKey {
  const algos = serverHostKeyAlgorithms ?? [];
  if (algos.length === 0 || algos.includes("ssh-ed25519")) return derivedEd25519(...parts);
  if (algos.some((a) => a === "ssh-rsa" || a.startsWith("rsa-sha2-"))) {
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    return fromPrivateKey(privateKey, "generated RSA host key");
  }
  const curve = algos.find((a) => a.startsWith("ecdsa-sha2-nistp"));
  if (curve) {
    const namedCurve = {
      "ecdsa-sha2-nistp256": "prime256v1",
      "ecdsa-sha2-nistp384": "secp384r1",
      "ecdsa-sha2-nistp521": "secp521r1",
    }[curve];
    if (namedCurve) {
      const { privateKey } = generateKeyPairSync("ec", {
        namedCurve,
        privateKeyEncoding: { type: "sec1", format: "pem" },
        publicKeyEncoding: { type: "spki", format: "pem" },
      });
      return fromPrivateKey(privateKey, "generated ECDSA host key");
    }
  }
  throw new VcError(
    "usage",
    `no host key type for the offered algorithms ${algos.join(", ")} (use ssh-ed25519, ssh-rsa, rsa-sha2-*, ecdsa-sha2-nistp*)`,
  );
}

/**
 * The host key as ssh2's Server takes it, parsed once. ssh2 signs every key exchange with the
 * key's PEM text, which OpenSSL 3 decodes again each time (for ed25519 that decoding costs ~5x
 * the signature itself); an ed25519 key here signs with a KeyObject made once. Other key types
 * keep ssh2's own signing (their signature format is ssh2's business).
 */
export function fastSigningKey(privateKey: string): { key: ParsedKey } | string {
  let parsed = utils.parseKey(privateKey);
  if (Array.isArray(parsed)) parsed = parsed[0];
  if (parsed instanceof Error || parsed === undefined || parsed.type !== "ssh-ed25519") return privateKey;
  const keyObject = ed25519KeyObject(parsed);
  (parsed as { sign: (data: Buffer) => Buffer | Error }).sign = (data: Buffer) => {
    try {
      return sign(null, data, keyObject);
    } catch (err) {
      return err as Error;
    }
  };
  // ssh2's Server re-parses strings and Buffers; an already parsed key is passed as { key }.
  return { key: parsed };
}

/** The private KeyObject of a parsed ed25519 key, imported as JWK (see ed25519PublicFromSeed for why). */
function ed25519KeyObject(parsed: ParsedKey): KeyObject {
  const der = Buffer.from(parsed.getPrivatePEM().replace(/-----[^-]+-----|\s/g, ""), "base64");
  const publicBlob = parsed.getPublicSSH();
  if (
    der.length === PKCS8_ED25519_PREFIX.length + 32 &&
    der.subarray(0, PKCS8_ED25519_PREFIX.length).equals(PKCS8_ED25519_PREFIX)
  ) {
    try {
      const jwk = {
        kty: "OKP",
        crv: "Ed25519",
        d: der.subarray(-32).toString("base64url"),
        x: publicBlob.subarray(-32).toString("base64url"),
      };
      return createPrivateKey({ key: jwk, format: "jwk" });
    } catch {
      // fall through to the PEM import
    }
  }
  return createPrivateKey(parsed.getPrivatePEM());
}

/** Reads a given private host key (OpenSSH or PEM) and computes its fingerprint. */
export function fromPrivateKey(key: string, where: string): HostKey {
  let parsed = utils.parseKey(key);
  if (Array.isArray(parsed)) parsed = parsed[0];
  if (parsed instanceof Error || !parsed.isPrivateKey())
    throw new VcError(
      "usage",
      `not a usable private host key${parsed instanceof Error ? `: ${parsed.message}` : ""}`,
      where,
    );
  const blob = parsed.getPublicSSH();
  return { privateKey: key, fingerprint: fingerprintOf(blob), publicKey: `${parsed.type} ${blob.toString("base64")}` };
}
