import * as assert from "node:assert";
import { adminGuard, refusalFor } from "../../nodes/common/admin-guard";

type Headers = Record<string, string | string[] | undefined>;

function req(method: string, headers: Headers) {
  return { method, headers: { host: "127.0.0.1:1880", ...headers } };
}

describe("admin guard (refusalFor / adminGuard)", () => {
  it("lets a same-origin JSON write through, with or without a charset", () => {
    for (const type of ["application/json", "application/json; charset=utf-8", "Application/JSON"]) {
      assert.strictEqual(
        refusalFor(req("POST", { origin: "http://127.0.0.1:1880", "content-type": type, "content-length": "2" })),
        undefined,
        type,
      );
    }
  });

  it("lets a request without Origin through (curl, node-red-admin, same-origin GET)", () => {
    assert.strictEqual(refusalFor(req("GET", {})), undefined);
    assert.strictEqual(
      refusalFor(req("POST", { "content-type": "application/json", "content-length": "2" })),
      undefined,
    );
  });

  it("lets a body-less write through (DELETE, POST init) when same-origin", () => {
    assert.strictEqual(refusalFor(req("DELETE", { origin: "http://127.0.0.1:1880" })), undefined);
    assert.strictEqual(refusalFor(req("POST", { "content-length": "0" })), undefined);
  });

  it("refuses the simple-request content types a form or a no-cors fetch can send (415)", () => {
    for (const type of ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain", "x"]) {
      for (const method of ["POST", "PUT", "PATCH", "DELETE", "post"]) {
        const r = refusalFor(req(method, { "content-type": type, "content-length": "5" }));
        assert.deepStrictEqual([r?.status, r?.code], [415, "unsupported_media_type"], `${method} ${type}`);
      }
    }
  });

  it("refuses a write with a body but no content type (415)", () => {
    assert.strictEqual(refusalFor(req("POST", { "content-length": "5" }))?.status, 415);
    assert.strictEqual(refusalFor(req("PUT", { "transfer-encoding": "chunked" }))?.status, 415);
  });

  it("does not take application/jsonp or application/json-seq for JSON", () => {
    for (const type of ["application/jsonp", "application/json-seq", "text/json"]) {
      assert.strictEqual(refusalFor(req("POST", { "content-type": type }))?.status, 415, type);
    }
  });

  it("refuses another origin, another port, Origin null and a malformed Origin (403), reads included", () => {
    for (const origin of ["http://evil.example", "http://127.0.0.1:8080", "null", "not a url", "http://127.0.0.1"]) {
      for (const method of ["GET", "POST"]) {
        const r = refusalFor(req(method, { origin, "content-type": "application/json" }));
        assert.deepStrictEqual([r?.status, r?.code], [403, "cross_origin"], `${method} ${origin}`);
      }
    }
  });

  it("refuses when the Host header is missing but an Origin is present", () => {
    assert.strictEqual(refusalFor({ method: "GET", headers: { origin: "http://127.0.0.1:1880" } })?.status, 403);
  });

  it("refuses Sec-Fetch-Site: cross-site even without Origin, allows same-origin", () => {
    assert.strictEqual(refusalFor(req("GET", { "sec-fetch-site": "cross-site" }))?.status, 403);
    assert.strictEqual(refusalFor(req("GET", { "sec-fetch-site": "same-origin" })), undefined);
  });

  it("compares hosts case-insensitively and uses the first of repeated headers", () => {
    assert.strictEqual(refusalFor(req("GET", { origin: "http://LOCALHOST:1880", host: "localhost:1880" })), undefined);
    assert.strictEqual(
      refusalFor(req("GET", { origin: ["http://evil.example", "http://127.0.0.1:1880"] }))?.status,
      403,
    );
  });

  it("as middleware: answers JSON { error, errorClass } or calls next()", () => {
    let status = 0;
    let sent: unknown;
    let nexted = false;
    const res = {
      status(s: number) {
        status = s;
        return this;
      },
      json(b: unknown) {
        sent = b;
        return this;
      },
    };
    const next = () => {
      nexted = true;
    };
    type Mw = Parameters<typeof adminGuard>;
    adminGuard(req("POST", { "content-type": "text/plain" }) as unknown as Mw[0], res as unknown as Mw[1], next);
    assert.deepStrictEqual(
      [status, sent, nexted],
      [415, { error: "this endpoint accepts only application/json", errorClass: "unsupported_media_type" }, false],
    );
    adminGuard(req("GET", {}) as unknown as Mw[0], res as unknown as Mw[1], next);
    assert.strictEqual(nexted, true);
  });
});
