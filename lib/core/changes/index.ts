import * as path from "node:path";
import { VersionStore, type RecordResult } from "../captures/versions";
import { errorMessage } from "../errors";
import { GroupCommit, RUN_GROUP_MAX_ITEMS, RUN_GROUP_WINDOW_MS } from "../group-commit";
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
  /**
   * Queues a capture for the next group commit. `queued` resolves once the recorder has taken the
   * text (at once, unless the texts waiting exceed the recorder's memory bound); `recorded` once
   * its version is committed (undefined when it could not be recorded: the reason is logged).
   */
  record(input: { device: Device; captureType: string; content: string; runId: string; capturedAt: Date }): {
    queued: Promise<void>;
    recorded: Promise<RecordResult | undefined>;
  };
  /** Commits what is queued, then closes the store. */
  close(): Promise<void>;
}

/**
 * A group is full at this many characters of text; while a full group waits, record() waits for
 * the commit in progress (so a run of huge captures holds about two whole texts, not dozens).
 */
export const VERSION_GROUP_CHARS = 4 * 1024 * 1024;

/**
 * The run's recorder for a capture store's collections directory; undefined when the version
 * store cannot be opened (the run goes on without versions, and says why in the log).
 * Captures are recorded by group commit: a group gathers the captures saved within
 * RUN_GROUP_WINDOW_MS of its first (or until it is full) and commits them in one transaction,
 * so a run of a thousand devices pays a few dozen commits instead of a thousand. A device's
 * result waits for its group (at most the window plus one commit).
 */
export function runVersionRecorder(
  collections: string,
  log?: (line: string) => void,
  moreExpected?: (waiting: number) => boolean,
): VersionRecorder | undefined {
  let store: VersionStore;
  try {
    // <home>/collections: the settings of the home the collections belong to (defaults when it has none).
    const settings = loadChangeSettings(changeSettingsFile(path.dirname(path.resolve(collections))));
    store = openVersionStore(collections, { settings });
  } catch (err) {
    log?.(`capture versions off for this run: ${errorMessage(err)}`);
    return undefined;
  }
  return new GroupCommitRecorder(store, log, moreExpected);
}

type RecordRequest = Parameters<VersionRecorder["record"]>[0];

class GroupCommitRecorder implements VersionRecorder {
  private readonly groups: GroupCommit<RecordRequest, RecordResult>;
  private recorded = 0;

  constructor(
    private readonly store: VersionStore,
    private readonly log?: (line: string) => void,
    moreExpected?: (waiting: number) => boolean,
  ) {
    this.groups = new GroupCommit(
      (requests) =>
        store.recordMany(
          requests.map((request) => ({
            captureType: request.captureType,
            deviceName: request.device.name,
            platform: request.device.platform,
            content: request.content,
            runId: request.runId,
            capturedAt: request.capturedAt,
          })),
        ),
      { windowMs: RUN_GROUP_WINDOW_MS, maxItems: RUN_GROUP_MAX_ITEMS, maxWeight: VERSION_GROUP_CHARS, moreExpected },
    );
  }

  record(request: RecordRequest): { queued: Promise<void>; recorded: Promise<RecordResult | undefined> } {
    const { queued, done } = this.groups.add(request, request.content.length);
    const recorded = done.then(
      (r) => {
        this.recorded++;
        return r;
      },
      (err: Error) => {
        this.log?.(`${request.device.name}: capture version not recorded: ${errorMessage(err)}`);
        return undefined;
      },
    );
    return { queued, recorded };
  }

  async close(): Promise<void> {
    await this.groups.flush();
    this.store.close();
    const commits = this.groups.commits;
    if (commits > 0) this.log?.(`capture versions: ${this.recorded} recorded in ${commits} commits`);
  }
}
