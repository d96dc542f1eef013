import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Fernet tokens exactly as the spec (github.com/fernet/spec) defines them, with node:crypto only:
 *   0x80 | u64be(unix seconds) | 16-byte IV | AES-128-CBC(PKCS7) ciphertext | HMAC-SHA256
 * The HMAC (keyed with the first 16 key bytes) covers everything before it; the AES key is the
 * last 16 key bytes. Tokens are base64url WITH '=' padding, like Python's `cryptography`, so a
 * token made here decrypts there and the other way round.
 */

const VERSION = 0x80;
const HEADER_LENGTH = 1 + 8 + 16;
const HMAC_LENGTH = 32;
const BLOCK = 16;
/** Python's cryptography rejects tokens stamped more than 60 s in the future when a TTL is given. */
const MAX_CLOCK_SKEW_SECONDS = 60;

export type FernetFailure =
  "malformed" | "bad_version" | "bad_signature" | "bad_padding" | "expired" | "future_timestamp";

/** Why a token was refused. Never carries key or plaintext material. */
export class FernetError extends Error {
  constructor(
    readonly reason: FernetFailure,
    message: string,
  ) {
    super(message);
    this.name = "FernetError";
  }
}

export interface FernetKey {
  signing: Buffer;
  encryption: Buffer;
}

/** Splits 32 raw key bytes (or their base64url form, the Fernet key format) into its halves. */
export function fernetKey(key: Buffer | string): FernetKey {
  const raw = typeof key === "string" ? decodeBase64Url(key) : key;
  if (!raw || raw.length !== 32) throw new FernetError("malformed", "a Fernet key is 32 bytes (base64url-encoded)");
  return { signing: Buffer.from(raw.subarray(0, 16)), encryption: Buffer.from(raw.subarray(16, 32)) };
}

export interface EncryptOptions {
  /** Seconds since the epoch to stamp (default: now). */
  now?: number;
  /** A fixed IV, for spec test vectors only; otherwise a fresh random one per token. */
  iv?: Buffer;
}

export function fernetEncrypt(key: FernetKey, plaintext: Buffer, opts: EncryptOptions = {}): string {
  const iv = opts.iv ?? randomBytes(16);
  if (iv.length !== 16) throw new FernetError("malformed", "the IV must be 16 bytes");
  const header = Buffer.alloc(HEADER_LENGTH);
  header[0] = VERSION;
  header.writeBigUInt64BE(BigInt(Math.floor(opts.now ?? Date.now() / 1000)), 1);
  iv.copy(header, 9);
  const cipher = createCipheriv("aes-128-cbc", key.encryption, iv);
  const body = Buffer.concat([header, cipher.update(plaintext), cipher.final()]);
  const mac = createHmac("sha256", key.signing).update(body).digest();
  return Buffer.concat([body, mac]).toString("base64url") + padding(body.length + mac.length);
}

export interface DecryptOptions {
  /** Maximum token age in seconds; omitted means no age limit (what the vault uses). */
  ttlSeconds?: number;
  /** Seconds since the epoch to check the TTL against (default: now). */
  now?: number;
}

/** Verifies then decrypts a token, in the spec's order; throws FernetError on any failure. */
export function fernetDecrypt(key: FernetKey, token: string, opts: DecryptOptions = {}): Buffer {
  const data = decodeBase64Url(token);
  if (!data) throw new FernetError("malformed", "the token is not valid base64url");
  if (data.length < HEADER_LENGTH + HMAC_LENGTH + BLOCK || (data.length - HEADER_LENGTH - HMAC_LENGTH) % BLOCK !== 0) {
    throw new FernetError("malformed", "the token has an impossible length");
  }
  if (data[0] !== VERSION) throw new FernetError("bad_version", "the token is not a Fernet version 0x80 token");
  if (opts.ttlSeconds !== undefined) {
    const stamped = Number(data.readBigUInt64BE(1));
    const now = Math.floor(opts.now ?? Date.now() / 1000);
    if (stamped + opts.ttlSeconds < now) throw new FernetError("expired", "the token has expired");
    if (now + MAX_CLOCK_SKEW_SECONDS < stamped)
      throw new FernetError("future_timestamp", "the token is stamped too far in the future");
  }
  const body = data.subarray(0, data.length - HMAC_LENGTH);
  const expected = createHmac("sha256", key.signing).update(body).digest();
  if (!timingSafeEqual(expected, data.subarray(data.length - HMAC_LENGTH))) {
    throw new FernetError("bad_signature", "the token's HMAC does not verify");
  }
  try {
    const decipher = createDecipheriv("aes-128-cbc", key.encryption, data.subarray(9, HEADER_LENGTH));
    return Buffer.concat([decipher.update(data.subarray(HEADER_LENGTH, data.length - HMAC_LENGTH)), decipher.final()]);
  } catch {
    throw new FernetError("bad_padding", "the token's padding is invalid");
  }
}

/** The timestamp stamped into a token (seconds since the epoch), without verifying it. */
export function fernetTimestamp(token: string): number | undefined {
  const data = decodeBase64Url(token);
  return data && data.length >= 9 ? Number(data.readBigUInt64BE(1)) : undefined;
}

function padding(byteLength: number): string {
  const rest = byteLength % 3;
  return rest === 0 ? "" : rest === 1 ? "==" : "=";
}

/**
 * Strict base64url: only the URL-safe alphabet, '=' padding only at the end and only as much as
 * the length needs (padding may also be left out). Node's own decoder silently skips bad
 * characters, which would let a damaged token through to the HMAC check with a wrong length.
 */
export function decodeBase64Url(text: string): Buffer | undefined {
  const m = /^([A-Za-z0-9_-]*)(={0,2})$/.exec(text);
  if (!m) return undefined;
  const [, chars, pad] = m;
  if (chars.length % 4 === 1) return undefined;
  if (pad.length > 0 && (chars.length + pad.length) % 4 !== 0) return undefined;
  const decoded = Buffer.from(chars, "base64url");
  // Non-canonical trailing bits (e.g. "QR==" for "QQ==") mean the text was altered.
  return decoded.toString("base64url") === chars ? decoded : undefined;
}
