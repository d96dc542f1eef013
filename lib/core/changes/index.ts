import * as path from "node:path";
import { VersionStore, type RecordResult } from "../captures/versions";
import { errorMessage } from "../errors";
import type { Device } from "../types";
import { redactorFor, volatileFor } from "./platform-rules";
import { DEFAULT_CHANGE_SETTINGS, extraVolatile, loadChangeSettings, type ChangeSettings } from "./settings";
import type { ChangeRules } from "./significant";

export * from "./significant";
export * from "./settings";
export { VersionStore, VERSIONS_DIR } from "../captures/versions";
export type { RecordResult, RecordStatus, VersionDiff, VersionRef, VersionRow } from "../captures/versions";

/** The file in the data home that holds the change-detection settings. */
export function changeSettingsFile(homeRoot: string): string {
  return path.join(homeRoot, "changes.yaml");
}

/** Rules per platform: the platform's volatile lines plus the user's, and the platform's redactor. */
export function rulesFromSettings(settings: ChangeSettings): (platform: string | undefined) => ChangeRules {
  const cache = new Map<string, ChangeRules>();
  return (platform) => {
    const key = platform ?? "";
    let rules = cache.get(key);
    if (!rules) {
      rules = { volatile: volatileFor(platform, extraVolatile(settings, platform)), redact: redactorFor(platform) };
      cache.set(key, rules);
    }
    return rules;
  };
}

/** Opens a collections directory's version store with the data home's settings (changes.yaml). */
export function openVersionStore(
  collections: string,
  opts: { settings?: ChangeSettings; homeRoot?: string; importExisting?: boolean } = {},
): VersionStore {
  const settings =
    opts.settings ??
    (opts.homeRoot !== undefined
      ? loadChangeSettings(changeSettingsFile(opts.homeRoot))
      : { ...DEFAULT_CHANGE_SETTINGS });
  return VersionStore.open(collections, {
    settings,
    rulesFor: rulesFromSettings(settings),
    importExisting: opts.importExisting,
  });
}

/** What the collection run calls after each saved capture. Never throws: a failure is logged. */
export interface VersionRecorder {
  record(input: {
    device: Device;
    captureType: string;
    content: string;
    runId: string;
    capturedAt: Date;
  }): Promise<RecordResult | undefined>;
  close(): void;
}

/**
 * The run's recorder for a capture store's collections directory; undefined when the version
 * store cannot be opened (the run goes on without versions, and says why in the log).
 */
export function runVersionRecorder(collections: string, log?: (line: string) => void): VersionRecorder | undefined {
  let store: VersionStore;
  try {
    // <home>/collections: the settings of the home the collections belong to (defaults when it has none).
    const settings = loadChangeSettings(changeSettingsFile(path.dirname(path.resolve(collections))));
    store = openVersionStore(collections, { settings });
  } catch (err) {
    log?.(`capture versions off for this run: ${errorMessage(err)}`);
    return undefined;
  }
  return {
    record: async (input) => {
      try {
        return await store.recordAsync({
          captureType: input.captureType,
          deviceName: input.device.name,
          platform: input.device.platform,
          content: input.content,
          runId: input.runId,
          capturedAt: input.capturedAt,
        });
      } catch (err) {
        log?.(`${input.device.name}: capture version not recorded: ${errorMessage(err)}`);
        return undefined;
      }
    },
    close: () => store.close(),
  };
}
