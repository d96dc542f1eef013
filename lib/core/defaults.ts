/**
 * The one place for the session and collection defaults. A platform's catalogue record may set
 * its own `session.timeouts.commandMs` / `quietMs`; the precedence everywhere is: an explicit
 * setting (option, flag, node field) → the platform's record → these values.
 */
export const DEFAULT_TIMEOUTS = {
  /** TCP connect. */
  connectMs: 10_000,
  /** From TCP connect to the end of the key exchange: SSH banner and algorithms. */
  bannerMs: 15_000,
  /** Authentication after the key exchange. */
  authMs: 20_000,
  /** Each command, and finding the first prompt. */
  commandMs: 60_000,
  /** The whole device: every login attempt, retry and command. */
  deviceMs: 300_000,
  /** Silence after a prompt that confirms the output is complete. */
  quietMs: 100,
} as const;

/**
 * Cap on the bytes one command may return (a runaway output becomes output_too_large, not an OOM):
 * this one for configurations (and whenever the command is not known), the smaller one for other
 * outputs in collection runs (lib/core/collect/excerpt.ts picks per run).
 */
export const DEFAULT_MAX_OUTPUT_BYTES = 32 * 1024 * 1024;
export const DEFAULT_NON_CONFIG_MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

/** "10/15/20" style text of the connect, banner and authentication defaults in seconds, for help texts. */
export function loginTimeoutsText(): string {
  return [DEFAULT_TIMEOUTS.connectMs, DEFAULT_TIMEOUTS.bannerMs, DEFAULT_TIMEOUTS.authMs]
    .map((ms) => ms / 1000)
    .join("/");
}
