import type { DeviceSession, HostKeyPolicy, KnownHostsStore, SessionOptions } from "../ssh";
import type { Credential, Device } from "../types";
import type { RunTimeouts } from "./types";
import { AbortedError, raceAbort } from "./timing";

export type { HostKeyPolicy };

/** What the runner gives lib/core/ssh's openSession / testLogin. */
export type OpenRequest = SessionOptions;

/** The part of lib/core/ssh's DeviceSession the runner uses. */
export type CollectSession = Pick<DeviceSession, "prompt" | "hostKeyFingerprint" | "run" | "close">;

/** Opens a logged-in session (lib/core/ssh's openSession by default). */
export type SessionOpener = (opts: OpenRequest) => Promise<CollectSession>;

/** The login request for one device and credential. */
export function openRequest(
  device: Device,
  credential: Credential,
  opts: {
    timeouts: RunTimeouts;
    policy: HostKeyPolicy;
    store?: KnownHostsStore;
    maxOutputBytes?: number;
    /** Directories of user platform records (a data home's platforms/). */
    profileDirs?: readonly string[];
    signal: AbortSignal;
    log?: (line: string) => void;
    deadlineAt?: number;
  },
): OpenRequest {
  // The driver's own per-session limit is what is left of the device's limit (all attempts share it).
  const deviceMs = opts.deadlineAt === undefined ? opts.timeouts.deviceMs : Math.max(1, opts.deadlineAt - Date.now());
  return {
    host: device.host,
    port: device.port || 22,
    username: credential.username,
    password: credential.password,
    privateKey: credential.privateKey,
    passphrase: credential.privateKeyPassphrase,
    tryKeyboardInteractive: credential.password !== undefined,
    enableSecret: credential.enableSecret,
    platform: device.platform,
    timeouts: { ...opts.timeouts, deviceMs },
    hostKeys: { policy: opts.policy, store: opts.store },
    maxOutputBytes: opts.maxOutputBytes,
    ...(opts.profileDirs?.length ? { profileDirs: [...opts.profileDirs] } : {}),
    signal: opts.signal,
    log: opts.log,
  };
}

/**
 * Opens a session that gives way to `signal`: if the signal aborts first, the caller gets an
 * AbortedError at once and a session that still opens later is closed, never leaked.
 */
export async function openAbortable(
  open: SessionOpener,
  request: OpenRequest,
  signal: AbortSignal,
): Promise<CollectSession> {
  const pending = open(request);
  try {
    return await raceAbort(pending, signal);
  } catch (err) {
    if (err instanceof AbortedError)
      pending.then(
        (s) => closeQuietly(s),
        () => undefined,
      );
    throw err;
  }
}

/** Closes a session without throwing and without waiting more than `maxWaitMs`. */
export async function closeQuietly(session: CollectSession, maxWaitMs = 1_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    session.close().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, maxWaitMs);
    }),
  ]);
  if (timer) clearTimeout(timer);
}
