import type { NodeAPI } from "node-red";
import type { Request, Response } from "express";
import { errorMessage, VcError } from "../../lib/core/errors";
import { adminGuard } from "../common/admin-guard";
import { Vault, type CredentialInput, type CredentialPatch } from "../../lib/core/vault";
import { getVaultConfigNode, VAULT_CONFIG_TYPE, type VaultConfigNode } from "./api";

/**
 * Admin endpoints behind the vault node's edit dialog, for a DEPLOYED vault node (by node id):
 *   GET    vc-vault-config/:id/credentials          list (never secrets)          read
 *   POST   vc-vault-config/:id/credentials          add (secrets in the body)     write
 *   PUT    vc-vault-config/:id/credentials/:name    edit, keeps the id            write
 *   DELETE vc-vault-config/:id/credentials/:name    remove                        write
 *   PUT    vc-vault-config/:id/default              { name } or { name: null }    write
 *   PUT    vc-vault-config/:id/fallback             { names: [...] }              write
 *   POST   vc-vault-config/:id/init                 create the vault file         write
 * They use the master password deployed with the node; the editor never sends it. Responses
 * carry credential summaries and error texts only, neither of which ever holds a secret.
 */

const SECRET_FIELDS = ["password", "privateKey", "privateKeyPassphrase", "enableSecret"] as const;
const registeredOn = new WeakSet<object>();

/** A deployed vault node as the endpoints use it (the runtime node adds `createVault`). */
export interface VaultConfigRuntime extends VaultConfigNode {
  /** Creates the vault file with the deployed master password (refuses an existing file). */
  createVault(): void;
}

export function registerVaultAdminApi(RED: NodeAPI): void {
  // The same admin app must not get the routes twice (the type registered again).
  if (registeredOn.has(RED.httpAdmin)) return;
  registeredOn.add(RED.httpAdmin);
  // Permission first (401/403 from Node-RED), then the guard (cross-origin 403, non-JSON 415).
  const read = [RED.auth.needsPermission(`${VAULT_CONFIG_TYPE}.read`), adminGuard];
  const write = [RED.auth.needsPermission(`${VAULT_CONFIG_TYPE}.write`), adminGuard];
  const base = `/${VAULT_CONFIG_TYPE}/:id`;
  const app = RED.httpAdmin;

  app.get(
    `${base}/credentials`,
    read,
    route(RED, (node) => {
      let vault: Vault;
      try {
        vault = node.openUnlocked();
      } catch (err) {
        if (err instanceof VcError && err.errorClass === "vault_missing")
          return [200, { vaultPath: node.vaultPath, exists: false, credentials: [] }];
        throw err;
      }
      return [
        200,
        { vaultPath: node.vaultPath, exists: true, credentials: vault.list(), fallback: vault.fallbackChainNames() },
      ];
    }),
  );

  app.post(
    `${base}/credentials`,
    write,
    route(RED, (node, req) => {
      const body = bodyOf(req);
      const input: CredentialInput = {
        name: stringField(body, "name") ?? "",
        username: stringField(body, "username") ?? "",
      };
      for (const f of SECRET_FIELDS) {
        const v = stringField(body, f);
        if (v !== undefined && v !== "") input[f] = v;
      }
      input.isDefault = booleanField(body, "isDefault") === true;
      const credential = node.openUnlocked().add(input);
      return [201, { credential }];
    }),
  );

  app.put(
    `${base}/credentials/:name`,
    write,
    route(RED, (node, req) => {
      const body = bodyOf(req);
      const patch: CredentialPatch = {};
      const newName = stringField(body, "newName");
      if (newName !== undefined && newName !== param(req, "name")) patch.newName = newName;
      const username = stringField(body, "username");
      if (username !== undefined) patch.username = username;
      // In the dialog an empty secret field means "keep"; clearing is an explicit flag.
      for (const f of SECRET_FIELDS) {
        const v = stringField(body, f);
        if (v !== undefined && v !== "") patch[f] = v;
        if (booleanField(body, `clear${f[0].toUpperCase()}${f.slice(1)}`) === true) patch[f] = "";
      }
      const isDefault = booleanField(body, "isDefault");
      if (isDefault !== undefined) patch.isDefault = isDefault;
      const credential = node.openUnlocked().edit(param(req, "name"), patch);
      return [200, { credential }];
    }),
  );

  app.delete(
    `${base}/credentials/:name`,
    write,
    route(RED, (node, req) => {
      node.openUnlocked().remove(param(req, "name"));
      return [200, { removed: param(req, "name") }];
    }),
  );

  app.put(
    `${base}/default`,
    write,
    route(RED, (node, req) => {
      const body = bodyOf(req);
      const vault = node.openUnlocked();
      if (body.name === null) vault.clearDefault();
      else vault.setDefault(stringField(body, "name") ?? "");
      return [200, { default: body.name ?? null }];
    }),
  );

  app.put(
    `${base}/fallback`,
    write,
    route(RED, (node, req) => {
      const names = bodyOf(req).names;
      if (!Array.isArray(names) || names.some((n) => typeof n !== "string")) {
        throw new VcError("vault_invalid", "'names' must be a list of credential names");
      }
      const vault = node.openUnlocked();
      vault.setFallbackOrder(names as string[]);
      return [
        200,
        {
          fallback: vault.fallbackListNames(),
        },
      ];
    }),
  );

  app.post(
    `${base}/init`,
    write,
    route(RED, (node) => {
      node.createVault();
      return [201, { vaultPath: node.vaultPath, created: true }];
    }),
  );
}

type Handler = (node: VaultConfigRuntime, req: Request) => [number, unknown];

function route(RED: NodeAPI, handler: Handler) {
  return (req: Request, res: Response): void => {
    const node = getVaultConfigNode(RED, param(req, "id")) as VaultConfigRuntime | undefined;
    if (!node || typeof node.createVault !== "function") {
      res.status(404).json({
        error: "this vault node is not deployed: deploy it first, then manage its credentials",
        errorClass: "not_deployed",
      });
      return;
    }
    try {
      const [status, body] = handler(node, req);
      res.status(status).json(body);
    } catch (err) {
      if (err instanceof VcError) {
        res.status(statusOf(err.errorClass)).json({ error: err.message, errorClass: err.errorClass });
        return;
      }
      node.error(`vault admin request failed: ${errorMessage(err)}`);
      res.status(500).json({ error: "internal error (see the Node-RED log)", errorClass: "internal_error" });
    }
  };
}

function param(req: Request, name: string): string {
  const v = (req.params as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v.join("/") : (v ?? "");
}

function statusOf(errorClass: string): number {
  switch (errorClass) {
    case "vault_invalid":
    case "usage":
      return 400;
    case "vault_unknown_credential":
      return 404;
    case "vault_duplicate":
    case "vault_exists":
      return 409;
    default:
      // Wrong password, missing/corrupt/tampered vault: the request is fine, the vault state is not.
      return 422;
  }
}

function bodyOf(req: Request): Record<string, unknown> {
  const body = req.body as unknown;
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw new VcError("vault_invalid", "the request body must be a JSON object");
  return body as Record<string, unknown>;
}

function stringField(body: Record<string, unknown>, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new VcError("vault_invalid", `'${field}' must be a string`);
  return v;
}

function booleanField(body: Record<string, unknown>, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw new VcError("vault_invalid", `'${field}' must be true or false`);
  return v;
}
