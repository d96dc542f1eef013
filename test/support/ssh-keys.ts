import { utils } from "ssh2";

type KeyPair = ReturnType<typeof utils.generateKeyPairSync>;
interface Options {
  bits?: number;
  passphrase?: string;
  cipher?: string;
  rounds?: number;
}

/**
 * An SSH key pair from ssh2's generator that ssh2 itself can read back. About one ed25519 pair in
 * 250 comes out with a 31-byte public key (a leading zero byte dropped), which parseKey then
 * refuses ("Malformed OpenSSH public key"): such a pair is generated again (bounded).
 */
export function generateSshKeyPair(type: "ed25519" | "ecdsa" | "rsa", opts: Options = {}): KeyPair {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = (utils.generateKeyPairSync as (t: string, o: Options) => KeyPair)(type, opts);
    const pub = utils.parseKey(pair.public);
    const priv = utils.parseKey(pair.private, opts.passphrase);
    if (!(pub instanceof Error) && !(priv instanceof Error)) return pair;
  }
  throw new Error(`ssh2 generated 20 ${type} key pairs it cannot parse`);
}
