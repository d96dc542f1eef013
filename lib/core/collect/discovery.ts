import type { KnownHostsStore } from "../ssh/known-hosts";
import type { Credential, Device, SessionErrorClass } from "../types";
import { discoveryOrder, redact, secretsOf, type CredentialRecorder, type CredentialSource } from "./credentials";
import { classifyError } from "./errors";
import { fetchHostKey } from "./keyscan";
import { runPool } from "./pool";
import { openRequest, type HostKeyPolicy, type OpenRequest } from "./session";
import { linkedSignal, raceAbort } from "./timing";
import { runTimeouts, type CollectTimeouts, type RunTimeouts } from "./types";
import { VcError } from "../errors";

/** Logs in and finds the prompt, sending no command (lib/core/ssh's testLogin). */
export type LoginTester = (opts: OpenRequest) => Promise<{ ok: true; prompt: string }>;

/** One credential tried against one device. Never carries a secret. */
export interface CredentialAttempt {
  credential: string;
  ok: boolean;
  errorClass?: SessionErrorClass;
  error?: string;
  durationMs: number;
}

export type DiscoveryStatus = "matched" | "no_match" | "unreachable" | "skipped" | "planned";
export type SkipReason = "configured" | "recent" | "unpinned" | "no_address";

export interface DiscoveryDeviceResult {
  device: Device;
  status: DiscoveryStatus;
  /** The credential that worked (matched). */
  credentialName?: string;
  skipReason?: SkipReason;
  /** Why the device was skipped or unreachable, in words. */
  reason?: string;
  errorClass?: SessionErrorClass;
  /** Whether the host key was pinned before discovery touched the device. */
  hostPinned: boolean;
  /** Credentials in the order they are (or, in a dry run, would be) tried. */
  candidates: string[];
  attempts: CredentialAttempt[];
  durationMs: number;
}

export interface DiscoveryReport {
  total: number;
  tested: number;
  matched: number;
  noMatch: number;
  unreachable: number;
  skipped: Record<SkipReason, number>;
  matchesByCredential: Record<string, number>;
  credentialsTested: string[];
  /** Share of the selected devices with a credential known to work after the run, 0–100. */
  coveragePercent: number;
  dryRun: boolean;
  cancelled: boolean;
  durationMs: number;
}

export interface DiscoveryRequest {
  devices: Device[];
  credentials: CredentialSource;
  /** Credentials to test, in this order (default: every vault credential, fallback list first). */
  names?: string[];
  /** Leave out devices that already have a credential mapped. */
  skipConfigured?: boolean;
  /** Test devices tested within `recentHours` too. */
  force?: boolean;
  recentHours?: number;
  /** Say what would be tested; connect to nothing. */
  dryRun?: boolean;
  /**
   * Pin the host key of devices not pinned yet (trust on first use, fetched WITHOUT sending any
   * credential) before testing. Off by default: unpinned hosts are skipped, never sprayed.
   */
  pinNewHosts?: boolean;
  concurrency?: number;
  timeouts?: Partial<CollectTimeouts>;
  knownHosts: KnownHostsStore;
  /** Where results are remembered (the SQLite inventory); omit for no update. */
  recorder?: CredentialRecorder;
  signal?: AbortSignal;
  onDevice?: (result: DiscoveryDeviceResult) => void;
  log?: (line: string) => void;
  tester?: LoginTester;
}

export const DEFAULT_DISCOVERY_CONCURRENCY = 8;
export const DEFAULT_RECENT_HOURS = 24;

/**
 * Tests credentials against devices and remembers the first that works on each. Per device: its
 * mapped credential first (when among those tested), then the others in order; an auth failure
 * moves on, any other failure stops (the device is unreachable, retrying other secrets is
 * pointless). Credentials go only to hosts whose key is pinned, with the strict host-key policy.
 */
export async function discoverCredentials(req: DiscoveryRequest): Promise<DiscoveryReport> {
  const started = Date.now();
  const tested = chosenCredentials(req.credentials, req.names);
  const timeouts = runTimeouts(req.timeouts);
  const concurrency = req.concurrency ?? DEFAULT_DISCOVERY_CONCURRENCY;
  const linked = linkedSignal(req.signal, concurrency);
  const signal = linked.signal;
  const report: DiscoveryReport = {
    total: req.devices.length,
    tested: 0,
    matched: 0,
    noMatch: 0,
    unreachable: 0,
    skipped: { configured: 0, recent: 0, unpinned: 0, no_address: 0 },
    matchesByCredential: {},
    credentialsTested: tested.map((c) => c.name),
    coveragePercent: 0,
    dryRun: Boolean(req.dryRun),
    cancelled: false,
    durationMs: 0,
  };
  let covered = 0;
  try {
    await runPool(
      req.devices,
      concurrency,
      async (device) => {
        const result = await discoverOne(device, tested, req, timeouts, signal);
        if (addToReport(report, result)) covered++;
        try {
          req.onDevice?.(result);
        } catch (err) {
          req.log?.(`onDevice callback threw: ${classifyError(err).message}`);
        }
      },
      signal,
    );
  } finally {
    linked.dispose();
  }
  report.cancelled = signal.aborted;
  report.coveragePercent = report.total ? Math.round((covered / report.total) * 1000) / 10 : 0;
  report.durationMs = Date.now() - started;
  return report;
}

/** Counts one device in the report; returns whether it has a credential known to work. */
function addToReport(report: DiscoveryReport, r: DiscoveryDeviceResult): boolean {
  if (r.status === "skipped") report.skipped[r.skipReason!]++;
  else if (r.status !== "planned") report.tested++;
  if (r.status === "matched") {
    report.matched++;
    report.matchesByCredential[r.credentialName!] = (report.matchesByCredential[r.credentialName!] ?? 0) + 1;
  } else if (r.status === "no_match") report.noMatch++;
  else if (r.status === "unreachable") report.unreachable++;
  return (
    r.status === "matched" ||
    (r.status !== "no_match" && Boolean(r.device.credentialName) && r.device.credentialStatus === "ok")
  );
}

function chosenCredentials(source: CredentialSource, names?: string[]): Credential[] {
  if (!names || names.length === 0) return discoveryOrder(source);
  const known = new Set(source.list().map((s) => s.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length)
    throw new VcError(
      "no_credential",
      `not in the vault: ${unknown.join(", ")} (known: ${[...known].join(", ") || "none"})`,
      "discovery.credentials",
    );
  return [...new Set(names)].map((n) => source.get(n));
}

async function discoverOne(
  device: Device,
  tested: Credential[],
  req: DiscoveryRequest,
  timeouts: RunTimeouts,
  signal: AbortSignal,
): Promise<DiscoveryDeviceResult> {
  const t0 = Date.now();
  const port = device.port || 22;
  const hostPinned = Boolean(device.host) && req.knownHosts.get(device.host, port).length > 0;
  const mapped = tested.find((c) => c.name === device.credentialName);
  const order = mapped ? [mapped, ...tested.filter((c) => c !== mapped)] : tested;
  const result: DiscoveryDeviceResult = {
    device,
    status: "planned",
    hostPinned,
    candidates: order.map((c) => c.name),
    attempts: [],
    durationMs: 0,
  };
  const skip = skipReason(device, hostPinned, req);
  if (skip) {
    Object.assign(result, { status: "skipped", skipReason: skip.reason, reason: skip.text });
  } else if (!req.dryRun) {
    await testInOrder(device, order, result, req, timeouts, signal);
  }
  result.durationMs = Date.now() - t0;
  return result;
}

function skipReason(
  device: Device,
  hostPinned: boolean,
  req: DiscoveryRequest,
): { reason: SkipReason; text: string } | undefined {
  if (!device.host) return { reason: "no_address", text: "the device has no management address" };
  if (req.skipConfigured && device.credentialName)
    return { reason: "configured", text: `already configured with '${device.credentialName}'` };
  if (!req.force && device.credentialTestedAt) {
    const at = Date.parse(device.credentialTestedAt);
    const hours = req.recentHours ?? DEFAULT_RECENT_HOURS;
    if (Number.isFinite(at) && Date.now() - at < hours * 3_600_000)
      return {
        reason: "recent",
        text: `tested less than ${hours} h ago (${device.credentialTestedAt}); use force to test again`,
      };
  }
  if (!hostPinned && !req.pinNewHosts) {
    return {
      reason: "unpinned",
      text: "host key not pinned: credentials are only tried on verified hosts (collect from it once, or pin new hosts explicitly)",
    };
  }
  return undefined;
}

async function testInOrder(
  device: Device,
  order: Credential[],
  result: DiscoveryDeviceResult,
  req: DiscoveryRequest,
  timeouts: RunTimeouts,
  signal: AbortSignal,
): Promise<void> {
  const port = device.port || 22;
  if (!result.hostPinned) {
    try {
      const key = await fetchHostKey(device.host, port, timeouts.connectMs + timeouts.bannerMs, signal);
      const pinned = req.knownHosts.pin(device.host, port, key);
      req.log?.(`${device.name}: host key ${pinned.fingerprint} pinned (explicit trust on first use)`);
    } catch (err) {
      const c = classifyError(err);
      Object.assign(result, { status: "unreachable", errorClass: c.errorClass, reason: c.message });
      return;
    }
  }
  for (const credential of order) {
    if (signal.aborted) break;
    const attempt = await testCredential(device, credential, {
      timeouts,
      hostKeys: { policy: "strict", store: req.knownHosts },
      signal,
      tester: req.tester,
      log: req.log,
    });
    result.attempts.push(attempt);
    if (attempt.ok) {
      Object.assign(result, { status: "matched", credentialName: credential.name });
      record(req, device, { credentialName: credential.name, status: "ok" });
      return;
    }
    if (attempt.errorClass !== "auth_failed") {
      Object.assign(result, { status: "unreachable", errorClass: attempt.errorClass, reason: attempt.error });
      return;
    }
  }
  if (signal.aborted && result.attempts.length < order.length) {
    Object.assign(result, { status: "unreachable", errorClass: "cancelled", reason: "discovery was cancelled" });
    return;
  }
  Object.assign(result, {
    status: "no_match",
    errorClass: "auth_failed",
    reason: `no credential worked (${result.attempts.map((a) => a.credential).join(", ") || "none to try"})`,
  });
  record(req, device, { status: "failed", rejected: result.attempts.map((a) => a.credential) });
}

function record(
  req: DiscoveryRequest,
  device: Device,
  result: { credentialName?: string; status: "ok" | "failed"; rejected?: string[] },
): void {
  if (!req.recorder) return;
  try {
    req.recorder.setCredentialResult(device.name, { ...result, at: new Date() });
  } catch (err) {
    req.log?.(`${device.name}: result not saved: ${classifyError(err).message}`);
  }
}

/**
 * Logs in with one credential and finds the prompt (no command is sent). Resolves with the
 * outcome; the error text never contains the credential's secrets.
 */
export async function testCredential(
  device: Device,
  credential: Credential,
  opts: {
    timeouts?: Partial<CollectTimeouts>;
    hostKeys: { policy: HostKeyPolicy; store?: KnownHostsStore };
    signal?: AbortSignal;
    tester?: LoginTester;
    log?: (line: string) => void;
  },
): Promise<CredentialAttempt> {
  const t0 = Date.now();
  const signal = opts.signal ?? new AbortController().signal;
  const timeouts = runTimeouts(opts.timeouts);
  const tester = opts.tester ?? defaultTester();
  try {
    const request = openRequest(device, credential, {
      timeouts,
      policy: opts.hostKeys.policy,
      store: opts.hostKeys.store,
      signal,
      log: opts.log,
    });
    await raceAbort(tester(request), signal);
    return { credential: credential.name, ok: true, durationMs: Date.now() - t0 };
  } catch (err) {
    const c = classifyError(err);
    return {
      credential: credential.name,
      ok: false,
      errorClass: c.errorClass,
      error: redact(c.message, secretsOf(credential)),
      durationMs: Date.now() - t0,
    };
  }
}

function defaultTester(): LoginTester {
  const ssh = require("../ssh") as { testLogin: LoginTester };
  return (opts) => ssh.testLogin(opts);
}
