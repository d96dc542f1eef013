import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { KnownHostsStore, SessionError, type SessionOptions } from "../../../lib/core/ssh";
import type { LabDeviceInfo } from "../../../lib/lab";

/** Lab responses in the ntc tests layout: one 60-line output per platform, for byte-exact comparisons. */
export const FIXTURE_RESPONSES = path.join(__dirname, "fixtures", "responses");
export const FIXTURE_TEXT = fs
  .readFileSync(path.join(FIXTURE_RESPONSES, "cisco_ios", "show_vc-lines", "vc_lines.raw"), "utf8")
  .replace(/\n+$/, "");

const VERB: Record<string, string> = { hp_comware: "display", fortinet: "get" };

/** The platform's command word for show commands. */
export function showVerb(platform: string): string {
  return VERB[platform] ?? "show";
}

/** The fixture command on a platform. */
export function linesCommand(platform: string): string {
  return `${showVerb(platform)} vc-lines`;
}

/** Resolves with the SessionError a promise rejects with (fails if it resolves or rejects with anything else). */
export async function sessionError(p: Promise<unknown>): Promise<SessionError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SessionError, `expected a SessionError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a rejection");
}

/** Session options for a lab device: its address and login, host keys trusted on first use in memory. */
export function labSessionOptions(d: LabDeviceInfo, extra: Partial<SessionOptions> = {}): SessionOptions {
  return {
    host: d.host,
    port: d.port,
    username: d.username,
    password: d.password,
    platform: d.platform,
    hostKeys: { policy: "tofu", store: KnownHostsStore.inMemory() },
    ...extra,
  };
}
