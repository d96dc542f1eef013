import type { NodeAPI } from "node-red";
import { testCredential } from "../../lib/core/collect";
import { errorMessage, VcError } from "../../lib/core/errors";
import { resolveHome } from "../../lib/core/home";
import { normaliseDevices } from "../../lib/core/inventory";
import { KnownHostsStore } from "../../lib/core/ssh/known-hosts";
import { adminGuard } from "../common/admin-guard";
import { getVaultConfigNode } from "../vc-vault-config/api";

/** Longest a test may take: connect, banner and authentication limits, each. */
const TEST_TIMEOUT_MS = 15_000;

interface TestRequestBody {
  vault?: unknown;
  credential?: unknown;
  device?: unknown;
  /** The vc-collect node the dialog belongs to: its deployed data home is used when it is deployed. */
  node?: unknown;
}

const registeredOn = new WeakSet<object>();

/**
 * POST vc-collect/test-credential { vault: <vc-vault-config id>, credential: <name>,
 * device: { host, port?, platform, name? }, node?: <vc-collect id> } logs in with that vault
 * credential and finds the prompt (no command is sent). The answer is { ok, errorClass?,
 * durationMs }: never a secret, never the device's text. The host key is checked and pinned on
 * first use in known_hosts of a DEPLOYED node's data home (the vc-collect node named by `node`,
 * else the vault node's), as a collection would: no path ever comes from the request.
 */
export function registerTestCredentialApi(RED: NodeAPI): void {
  if (registeredOn.has(RED.httpAdmin)) return;
  registeredOn.add(RED.httpAdmin);
  RED.httpAdmin.post(
    "/vc-collect/test-credential",
    RED.auth.needsPermission("vc-collect.write"),
    adminGuard,
    (req, res) => {
      const body = (req.body ?? {}) as TestRequestBody;
      prepare(RED, body)
        .then(
          async ({ device, credential, knownHosts }) => {
            const attempt = await testCredential(device, credential, {
              timeouts: {
                connectMs: TEST_TIMEOUT_MS,
                bannerMs: TEST_TIMEOUT_MS,
                authMs: TEST_TIMEOUT_MS,
                commandMs: TEST_TIMEOUT_MS,
                deviceMs: 4 * TEST_TIMEOUT_MS,
              },
              hostKeys: { policy: "tofu", store: knownHosts },
            });
            res.json(
              attempt.ok
                ? { ok: true, durationMs: attempt.durationMs }
                : { ok: false, errorClass: attempt.errorClass, durationMs: attempt.durationMs },
            );
          },
          (err: unknown) => {
            res.status(400).json({ error: errorMessage(err) });
          },
        )
        .catch((err: unknown) => {
          if (!res.headersSent) res.status(500).json({ error: `internal error: ${errorMessage(err)}` });
        });
    },
  );
}

async function prepare(RED: NodeAPI, body: TestRequestBody) {
  if (typeof body.vault !== "string" || body.vault === "")
    throw new VcError("invalid_input", "choose a vault node", "vault");
  const vaultNode = getVaultConfigNode(RED, body.vault);
  if (!vaultNode) throw new VcError("invalid_input", "the vault node is not deployed yet: deploy it first", "vault");
  if (typeof body.credential !== "string" || body.credential === "")
    throw new VcError("invalid_input", "choose a credential", "credential");
  const raw =
    body.device && typeof body.device === "object"
      ? { name: "test", ...(body.device as Record<string, unknown>) }
      : body.device;
  const [device] = normaliseDevices(raw, "device");
  const credential = vaultNode.openUnlocked().get(body.credential);
  const home = resolveHome(deployedHome(RED, body.node) ?? vaultNode.dataHome);
  return { device, credential, knownHosts: new KnownHostsStore(home.knownHosts) };
}

/** The data home of the deployed vc-collect node with this id, if there is one. */
function deployedHome(RED: NodeAPI, id: unknown): string | undefined {
  if (typeof id !== "string" || id === "") return undefined;
  const node = RED.nodes.getNode(id) as { type?: string; dataHome?: unknown } | null;
  return node?.type === "vc-collect" && typeof node.dataHome === "string" ? node.dataHome : undefined;
}
