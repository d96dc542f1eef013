import * as assert from "node:assert";
import { REDACTED, makeRedactor, redact } from "../../../lib/core/redact";
import { findSecretsInText } from "../../support/secrets";

/** Per platform: a config with planted secrets, the secrets, and lines that must come out unchanged. */
const FIXTURES: Record<string, { config: string; secrets: string[]; kept: string[]; readable: string[] }> = {
  cisco_ios: {
    config: [
      "hostname R1",
      "enable secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM",
      "username admin privilege 15 secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0",
      "username ops password 7 094F471A1A0A",
      "snmp-server community Pl4nted-RO RO 10",
      "snmp-server host 10.1.1.1 version 2c Pl4nted-Trap",
      "snmp-server host 10.1.1.2 version 3 priv snmpuser",
      "tacacs server TAC1",
      " address ipv4 10.9.9.9",
      " key 7 1511021F07257A767B",
      "radius-server host 10.2.2.2 key Pl4nted-Radius",
      "key chain OSPF",
      " key 1",
      "  key-string 7 045802150C2E1D1C5A",
      "interface Gi1",
      " ip ospf message-digest-key 1 md5 7 13061E010803557878",
      " standby 1 authentication md5 key-string Pl4nted-Hsrp",
      "crypto isakmp key Pl4nted-Psk address 10.3.3.3",
      "line vty 0 4",
      " password 7 0822455D0A165445415F",
      "end",
    ].join("\n"),
    secrets: [
      "$9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM",
      "$1$mERr$hx5rVt7rPNoS4wqbXKX7m0",
      "094F471A1A0A",
      "Pl4nted-RO",
      "Pl4nted-Trap",
      "1511021F07257A767B",
      "Pl4nted-Radius",
      "045802150C2E1D1C5A",
      "13061E010803557878",
      "Pl4nted-Hsrp",
      "Pl4nted-Psk",
      "0822455D0A165445415F",
    ],
    kept: ["hostname R1", "snmp-server host 10.1.1.2 version 3 priv snmpuser", " key 1", " address ipv4 10.9.9.9"],
    readable: [
      `enable secret 9 ${REDACTED}`,
      `username admin privilege 15 secret 5 ${REDACTED}`,
      `snmp-server community ${REDACTED} RO 10`,
      ` key 7 ${REDACTED}`,
      `crypto isakmp key ${REDACTED} address 10.3.3.3`,
    ],
  },
  cisco_nxos: {
    config: [
      "snmp-server user admin network-admin auth md5 0x5d4f0fe8a3a0c4f3 priv 0x77c3ba1a9f2e6a55 localizedkey",
      "username admin password 5 $5$JKLMN$abcdefghijklmnopqrstuvwxyz0123456789  role network-admin",
      'tacacs-server host 10.1.1.1 key 7 "Pl4ntedNx"',
      "snmp-server community Pl4nted-Nx group network-operator",
    ].join("\n"),
    secrets: [
      "0x5d4f0fe8a3a0c4f3",
      "0x77c3ba1a9f2e6a55",
      "$5$JKLMN$abcdefghijklmnopqrstuvwxyz0123456789",
      "Pl4ntedNx",
      "Pl4nted-Nx",
    ],
    kept: [],
    readable: [`snmp-server community ${REDACTED} group network-operator`],
  },
  cisco_xr: {
    config: ["username admin", " secret 10 $6$Pl4nted.xr$abcdefgh", "snmp-server community Pl4nted-Xr RO"].join("\n"),
    secrets: ["$6$Pl4nted.xr$abcdefgh", "Pl4nted-Xr"],
    kept: ["username admin"],
    readable: [` secret 10 ${REDACTED}`],
  },
  arista_eos: {
    config: [
      "username admin privilege 15 role network-admin secret sha512 $6$Pl4ntedEos$xyz",
      "enable password sha512 $6$Pl4ntedEn$abc",
      "snmp-server community Pl4nted-Eos ro",
      "tacacs-server key 7 070C285F4D06Pl4",
    ].join("\n"),
    secrets: ["$6$Pl4ntedEos$xyz", "$6$Pl4ntedEn$abc", "Pl4nted-Eos", "070C285F4D06Pl4"],
    kept: [],
    readable: [`snmp-server community ${REDACTED} ro`],
  },
  juniper_junos: {
    config: [
      "system {",
      "    root-authentication {",
      '        encrypted-password "$6$Pl4nted$junosHash"; ## SECRET-DATA',
      "    }",
      "}",
      "snmp {",
      "    community Pl4nted-Junos {",
      "        authorization read-only;",
      "    }",
      "}",
      'set system login user ops authentication encrypted-password "$6$Pl4ntedSet$hash"',
    ].join("\n"),
    secrets: ["$6$Pl4nted$junosHash", "Pl4nted-Junos", "$6$Pl4ntedSet$hash"],
    kept: ["        authorization read-only;"],
    readable: [`        encrypted-password "${REDACTED}"; ## SECRET-DATA`],
  },
  hp_procurve: {
    config: [
      'snmp-server community "Pl4nted-Pc" operator',
      'password manager user-name admin sha1 "Pl4ntedSha1Hash"',
    ].join("\n"),
    secrets: ["Pl4nted-Pc", "Pl4ntedSha1Hash"],
    kept: [],
    readable: [],
  },
  hp_comware: {
    config: [
      " snmp-agent community read cipher $c$3$Pl4ntedCw==",
      " local-user admin",
      "  password hash $h$6$Pl4ntedHash==",
    ].join("\n"),
    secrets: ["$c$3$Pl4ntedCw==", "$h$6$Pl4ntedHash=="],
    kept: [" local-user admin"],
    readable: [`  password hash ${REDACTED}`],
  },
  aruba_aoscx: {
    config: [
      "user admin group administrators password ciphertext AQBapPl4ntedCx",
      "snmp-server community Pl4nted-Cx",
    ].join("\n"),
    secrets: ["AQBapPl4ntedCx", "Pl4nted-Cx"],
    kept: [],
    readable: [`user admin group administrators password ciphertext ${REDACTED}`],
  },
  paloalto_panos: {
    config: [
      "<phash>$5$Pl4nted$panosHash</phash>",
      "<pre-shared-key><key>-AQ==Pl4ntedPsk==</key></pre-shared-key>",
      "set mgt-config users admin phash $5$Pl4ntedSet$x",
    ].join("\n"),
    secrets: ["$5$Pl4nted$panosHash", "-AQ==Pl4ntedPsk==", "$5$Pl4ntedSet$x"],
    kept: [],
    readable: [`<phash>${REDACTED}</phash>`],
  },
  fortinet: {
    config: [
      "#private-encryption-key=Pl4ntedPrivKey",
      "config system admin",
      '    edit "admin"',
      "        set password ENC SH2Pl4ntedFortiHash=",
      "    next",
      "end",
      "config vpn ipsec phase1-interface",
      '    edit "to-hq"',
      "        set psksecret ENC Pl4ntedPskEnc==",
      "    next",
      "end",
      "config vpn certificate local",
      '    edit "srv"',
      '        set private-key "-----BEGIN ENCRYPTED PRIVATE KEY-----',
      "MIIFHDBOBgkqPl4ntedKeyLine1",
      "Pl4ntedKeyLine2abcdef",
      '-----END ENCRYPTED PRIVATE KEY-----"',
      '        set certificate "-----BEGIN CERTIFICATE-----',
      "MIIpublicCertLine",
      '-----END CERTIFICATE-----"',
      "    next",
      "end",
    ].join("\n"),
    secrets: [
      "Pl4ntedPrivKey",
      "SH2Pl4ntedFortiHash=",
      "Pl4ntedPskEnc==",
      "MIIFHDBOBgkqPl4ntedKeyLine1",
      "Pl4ntedKeyLine2abcdef",
    ],
    kept: ["MIIpublicCertLine", '-----END ENCRYPTED PRIVATE KEY-----"', '    edit "srv"'],
    readable: [`        set password ENC ${REDACTED}`, `        set psksecret ENC ${REDACTED}`],
  },
};

describe("redact: secrets in device output, per platform, lines kept readable", () => {
  for (const [platform, f] of Object.entries(FIXTURES)) {
    it(`${platform}: masks every planted secret, keeps keywords and other lines`, () => {
      assert.deepStrictEqual(findSecretsInText(f.config, f.secrets).length > 0, true, "the fixture plants secrets");
      const out = redact(f.config, { platform });
      assert.deepStrictEqual(findSecretsInText(out, f.secrets), [], out);
      const lines = out.split("\n");
      for (const line of [...f.kept, ...f.readable])
        assert.ok(lines.includes(line), `missing line ${JSON.stringify(line)} in\n${out}`);
      assert.strictEqual(redact(out, { platform }), out, "idempotent");
    });
  }

  it("aliases get the platform's rules (cisco_xe is cisco_ios)", () => {
    assert.strictEqual(redact("enable secret 5 $1$abc$def", { platform: "cisco_xe" }), `enable secret 5 ${REDACTED}`);
  });

  it("masks exact vault secrets anywhere, short ones only as whole words", () => {
    const r = makeRedactor({ platform: "linux", vaultSecrets: ["S3cret-Vault-Pass", "admin"] });
    assert.strictEqual(r("echo S3cret-Vault-Pass; x=S3cret-Vault-Pass9"), `echo ${REDACTED}; x=${REDACTED}9`);
    assert.strictEqual(r("user admin on administrator"), `user ${REDACTED} on administrator`);
  });

  it("device output keeps vault secrets shorter than 8 characters: they are ordinary words there", () => {
    const r = makeRedactor({ platform: "cisco_nxos", vaultSecrets: ["admin", "Long-Vault-Pass"], minSecretLength: 8 });
    assert.strictEqual(r("admin state is up\nkey Long-Vault-Pass"), `admin state is up\nkey ${REDACTED}`);
  });

  it("with rules off only the vault secrets are masked (raw config backups)", () => {
    const text = "enable secret 5 $1$abc$def\nusername u password 0 Vault-Pass-123";
    assert.strictEqual(
      redact(text, { platform: "cisco_ios", rules: false, vaultSecrets: ["Vault-Pass-123"] }),
      `enable secret 5 $1$abc$def\nusername u password 0 ${REDACTED}`,
    );
  });

  it("a private key cut off before its end is masked to the end (fails closed)", () => {
    const out = redact("x\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nmore", { platform: "linux" });
    assert.strictEqual(out, `x\n-----BEGIN OPENSSH PRIVATE KEY-----\n${REDACTED}`);
  });

  it("a pattern never spans two lines, and text without secrets is returned as it is", () => {
    const text = "snmp-server community\nRO 10\nhostname R1";
    assert.strictEqual(redact(text, { platform: "cisco_ios" }), text);
    assert.strictEqual(redact("", { platform: "cisco_ios" }), "");
  });

  it("user rules (an option) add to the platform's", () => {
    const out = redact("api-token abc123xyz", {
      platform: "cisco_ios",
      extraRedact: [{ id: "api-token", match: "^api-token (?<secret>\\S+)" }],
    });
    assert.strictEqual(out, `api-token ${REDACTED}`);
  });
});
