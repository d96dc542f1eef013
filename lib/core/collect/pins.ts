import type { KnownHostsStore } from "../ssh/known-hosts";
import type { HostKeyPins } from "./device";

/** "Is a key pinned for host:port?" from lib/core/ssh's known-hosts store. */
export function pinsFrom(store: KnownHostsStore): HostKeyPins {
  return { isPinned: (host, port) => store.get(host, port).length > 0 };
}
