/**
 * Host-key policies, defined once (the session, the collection runner, vc-collect's settings and
 * the CLI's --host-keys all check against this list):
 *  - tofu: trust on first use, pin the key, refuse a changed key (hostkey_mismatch);
 *  - strict: only pinned keys (an unknown host is hostkey_unknown);
 *  - accept-any: no check (lab use only).
 */
export const HOST_KEY_POLICIES = ["tofu", "strict", "accept-any"] as const;
export type HostKeyPolicy = (typeof HOST_KEY_POLICIES)[number];
export const DEFAULT_HOST_KEY_POLICY: HostKeyPolicy = "tofu";

export function isHostKeyPolicy(value: unknown): value is HostKeyPolicy {
  return (HOST_KEY_POLICIES as readonly unknown[]).includes(value);
}

/** What is wrong with a policy setting, for an error that names where it came from; undefined when valid. */
export function hostKeyPolicyProblem(value: unknown): string | undefined {
  return isHostKeyPolicy(value)
    ? undefined
    : `must be ${HOST_KEY_POLICIES.slice(0, -1).join(", ")} or ${HOST_KEY_POLICIES.at(-1)}, got ${JSON.stringify(value)}`;
}
