import type { NextFunction, Request, Response } from "express";

/**
 * Guards for every admin HTTP endpoint this pack registers (node dialogs and the sidebar).
 *
 * Node-RED has no CSRF tokens. Without adminAuth, Node-RED 4.1 answers cross-origin admin
 * requests (CORS `*`), and on every version an HTML form POST arrives with a parsed body. So a
 * web page the user visits could drive these endpoints. The defence (see
 * docs/reference/nodered-editor-sidebar.md §6):
 *  - writes accept only `application/json` bodies: a cross-origin page cannot send that content
 *    type without a CORS preflight, and a form cannot send it at all;
 *  - any request carrying an `Origin` whose host differs from the `Host` it was sent to (or
 *    `Origin: null`, or `Sec-Fetch-Site: cross-site`) is refused;
 *  - nothing that names a file or folder is ever taken from a request.
 * adminAuth remains the real protection (DNS rebinding defeats header checks); the docs say so.
 */

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface GuardRefusal {
  status: number;
  code: "cross_origin" | "unsupported_media_type";
  message: string;
}

/** Why a request must be refused, or undefined when it may go on. Pure: tested without express. */
export function refusalFor(req: {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  is?: (type: string) => string | false | null;
}): GuardRefusal | undefined {
  // Browsers send Sec-Fetch-Site on every request; "cross-site" also covers a request without Origin.
  if (header(req.headers, "sec-fetch-site")?.toLowerCase() === "cross-site") {
    return { status: 403, code: "cross_origin", message: "cross-origin requests are refused" };
  }
  const origin = header(req.headers, "origin");
  if (origin !== undefined && origin !== "null") {
    const host = header(req.headers, "host");
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (!host || !originHost || originHost.toLowerCase() !== host.toLowerCase()) {
      return { status: 403, code: "cross_origin", message: "cross-origin requests are refused" };
    }
  } else if (origin === "null") {
    return { status: 403, code: "cross_origin", message: "cross-origin requests are refused" };
  }
  if (WRITE_METHODS.has(req.method.toUpperCase())) {
    const contentType = header(req.headers, "content-type") ?? "";
    const length = header(req.headers, "content-length");
    const hasBody =
      (length !== undefined && length !== "0") ||
      header(req.headers, "transfer-encoding") !== undefined ||
      contentType !== "";
    const isJson = /^application\/json\s*(;|$)/i.test(contentType.trim());
    if (hasBody && !isJson) {
      return {
        status: 415,
        code: "unsupported_media_type",
        message: "this endpoint accepts only application/json",
      };
    }
  }
  return undefined;
}

/** Express middleware applying {@link refusalFor}; answers JSON `{ error, errorClass }`. */
export function adminGuard(req: Request, res: Response, next: NextFunction): void {
  const refusal = refusalFor(req);
  if (refusal) {
    res.status(refusal.status).json({ error: refusal.message, errorClass: refusal.code });
    return;
  }
  next();
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
