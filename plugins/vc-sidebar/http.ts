import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { NodeAPI } from "node-red";
import { errorMessage, VcError } from "../../lib/core/errors";
import { adminGuard } from "../../nodes/common/admin-guard";

/**
 * How every sidebar endpoint is registered: under `/vc/…`, behind RED.auth.needsPermission
 * (`vc-sidebar.read` or `vc-sidebar.write`) and the shared admin guard (same origin only, JSON-only
 * writes), with its query or body checked by an ajv schema, answering JSON; a VcError becomes
 * `{ error, errorClass }` with the error class the CLI reports, anything else a 500 that names no
 * detail (the detail goes to the Node-RED log).
 */
export const PREFIX = "/vc";
export const READ_SCOPE = "vc-sidebar.read";
export const WRITE_SCOPE = "vc-sidebar.write";

const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: false, useDefaults: true });

export type Schema = Record<string, unknown>;
export interface Reply {
  status?: number;
  body?: unknown;
  /** A download instead of JSON. */
  file?: { name: string; contentType: string; content: string };
}
export type Handler<I> = (input: I, req: Request) => Reply | Promise<Reply>;

type Method = "get" | "post" | "put" | "delete";

export class Routes {
  private readonly read: RequestHandler;
  private readonly write: RequestHandler;

  constructor(private readonly RED: NodeAPI) {
    this.read = RED.auth.needsPermission(READ_SCOPE) as RequestHandler;
    this.write = RED.auth.needsPermission(WRITE_SCOPE) as RequestHandler;
  }

  /**
   * Registers one endpoint. GET (and DELETE) validate `req.query` (+ params), POST/PUT validate
   * `req.body` merged with params. Read endpoints get the read scope, others the write scope.
   */
  add<I>(method: Method, path: string, schema: Schema, handler: Handler<I>, scope?: "read" | "write"): void {
    const validate = ajv.compile<I>(schema);
    const permission = (scope ?? (method === "get" ? "read" : "write")) === "read" ? this.read : this.write;
    const run = async (req: Request, res: Response): Promise<void> => {
      let input: unknown;
      try {
        input = inputOf(method, req);
        if (!validate(input)) throw invalid(validate);
        const reply = await handler(input as I, req);
        if (reply.file) {
          res.status(reply.status ?? 200);
          res.setHeader("Content-Type", reply.file.contentType);
          res.setHeader("Content-Disposition", `attachment; filename="${reply.file.name.replace(/[^\w.-]/g, "_")}"`);
          res.setHeader("X-Content-Type-Options", "nosniff");
          res.send(reply.file.content);
          return;
        }
        res.status(reply.status ?? 200).json(reply.body ?? {});
      } catch (err) {
        sendError(this.RED, res, err, `${method.toUpperCase()} ${PREFIX}${path}`);
      }
    };
    const app = this.RED.httpAdmin as unknown as Record<Method, (...h: unknown[]) => void>;
    app[method](`${PREFIX}${path}`, permission, adminGuard, (req: Request, res: Response, _next: NextFunction) => {
      void run(req, res);
    });
  }
}

function inputOf(method: Method, req: Request): unknown {
  const params = { ...(req.params as Record<string, string>) };
  if (method === "get" || method === "delete") {
    // "_" is jQuery's cache buster (cache: false): not a field.
    const { _: _cacheBuster, ...query } = req.query as Record<string, unknown>;
    return { ...query, ...params };
  }
  const body = req.body as unknown;
  if (body === undefined || body === null || (typeof body === "object" && Object.keys(body).length === 0))
    return { ...params };
  if (typeof body !== "object" || Array.isArray(body))
    throw new VcError("invalid_input", "the request body must be a JSON object", "body");
  return { ...(body as Record<string, unknown>), ...params };
}

function invalid(validate: ValidateFunction): VcError {
  const first = (validate.errors ?? [])[0];
  return new VcError("invalid_input", describe(first), fieldOf(first));
}

function fieldOf(e: ErrorObject | undefined): string {
  if (!e) return "request";
  const base = e.instancePath.replace(/^\//, "").replace(/\//g, ".");
  if (e.keyword === "required")
    return base ? `${base}.${String(e.params.missingProperty)}` : String(e.params.missingProperty);
  if (e.keyword === "additionalProperties")
    return base ? `${base}.${String(e.params.additionalProperty)}` : String(e.params.additionalProperty);
  return base || "request";
}

function describe(e: ErrorObject | undefined): string {
  if (!e) return "invalid request";
  switch (e.keyword) {
    case "required":
      return "is required";
    case "additionalProperties":
      return "is not a known field";
    case "enum":
      return `must be one of ${(e.params.allowedValues as unknown[]).join(", ")}`;
    default:
      return e.message ?? "is invalid";
  }
}

/** HTTP status for an error class (the class itself is what the CLI reports too). */
export function statusOf(errorClass: string): number {
  if (/^(usage|invalid_.*|bad_.*|vault_invalid)$/.test(errorClass)) return 400;
  if (/(^|_)not_found$|^vault_unknown_credential$/.test(errorClass)) return 404;
  if (/^(conflict|duplicate_device|vault_duplicate|vault_exists|job_exists)$/.test(errorClass)) return 409;
  if (/^netbox_(unreachable|timeout|bad_response|auth)$/.test(errorClass)) return 502;
  if (errorClass === "internal_error") return 500;
  return 422;
}

export function sendError(RED: NodeAPI, res: Response, err: unknown, where: string): void {
  if (err instanceof VcError) {
    // A job error located in the editor's terms (jobs/<slug>.yaml:<line>) carries where and line too.
    const located = (err as { located?: { error: string; where?: string; line?: number } }).located;
    res.status(statusOf(err.errorClass)).json({ error: err.message, errorClass: err.errorClass, ...located });
    return;
  }
  RED.log.error(`vc-sidebar: ${where} failed: ${errorMessage(err)}`);
  res.status(500).json({ error: "internal error (see the Node-RED log)", errorClass: "internal_error" });
}

/** Query strings carry text only: these turn the known numeric/boolean fields into values. */
export const queryInt = { type: "string", pattern: "^[0-9]{1,9}$" } as const;
export const queryBool = { type: "string", enum: ["true", "false"] } as const;
export function int(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}
export function bool(text: string | undefined): boolean {
  return text === "true";
}
