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
/** A group is committed this long after its first capture arrived, or sooner when it is full. */
export const VERSION_GROUP_WINDOW_MS = 25;
const GROUP_MAX_CAPTURES = 64;

/**
 * The run's recorder for a capture store's collections directory; undefined when the version
 * store cannot be opened (the run goes on without versions, and says why in the log).
 * Captures are recorded by group commit: a group gathers the captures saved within
 * VERSION_GROUP_WINDOW_MS of its first (or until it is full) and commits them in one transaction,
 * so a run of a thousand devices pays a few dozen commits instead of a thousand. A device's
 * result waits for its group (at most the window plus one commit).
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
  return new GroupCommitRecorder(store, log);
}

type RecordRequest = Parameters<VersionRecorder["record"]>[0];

interface Waiting {
  request: RecordRequest;
  settle: (r: RecordResult | undefined) => void;
}

class GroupCommitRecorder implements VersionRecorder {
  private waiting: Waiting[] = [];
  private waitingChars = 0;
  private committing: Promise<void> | undefined;
  private wakeGatherer: (() => void) | undefined;
  private closing = false;
  private recorded = 0;
  private commits = 0;

  constructor(
    private readonly store: VersionStore,
    private readonly log?: (line: string) => void,
  ) {}

  record(request: RecordRequest): { queued: Promise<void>; recorded: Promise<RecordResult | undefined> } {
    let settle!: (r: RecordResult | undefined) => void;
    const recorded = new Promise<RecordResult | undefined>((resolve) => (settle = resolve));
    const queued = (async () => {
      while (this.waitingChars >= VERSION_GROUP_CHARS && this.committing) await this.committing;
      this.waiting.push({ request, settle });
      this.waitingChars += request.content.length;
      if (this.groupFull()) this.wakeGatherer?.();
      this.committing ??= this.commitGroups();
    })();
    return { queued, recorded };
  }

  private groupFull(): boolean {
    return this.closing || this.waiting.length >= GROUP_MAX_CAPTURES || this.waitingChars >= VERSION_GROUP_CHARS;
  }

  /** Resolves when the group is full, the window has passed, or the recorder is closing. */
  private gather(): Promise<void> {
    if (this.groupFull()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wakeGatherer?.(), VERSION_GROUP_WINDOW_MS);
      this.wakeGatherer = () => {
        clearTimeout(timer);
        this.wakeGatherer = undefined;
        resolve();
      };
    });
  }

  /** Commits groups until nothing waits. */
  private async commitGroups(): Promise<void> {
    while (this.waiting.length > 0) {
      await this.gather();
      const group = this.waiting;
      this.waiting = [];
      this.waitingChars = 0;
      this.commits++;
      await this.commitGroup(group);
    }
    this.committing = undefined;
  }

  private async commitGroup(group: Waiting[]): Promise<void> {
    let results: Array<RecordResult | Error>;
    try {
      results = await this.store.recordMany(
        group.map(({ request }) => ({
          captureType: request.captureType,
          deviceName: request.device.name,
          platform: request.device.platform,
          content: request.content,
          runId: request.runId,
          capturedAt: request.capturedAt,
        })),
      );
    } catch (err) {
      results = group.map(() => (err instanceof Error ? err : new Error(String(err))));
    }
    group.forEach(({ request, settle }, i) => {
      const r = results[i];
      if (r instanceof Error) {
        this.log?.(`${request.device.name}: capture version not recorded: ${errorMessage(r)}`);
        settle(undefined);
      } else {
        this.recorded++;
        settle(r);
      }
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    this.wakeGatherer?.();
    while (this.committing) await this.committing;
    this.store.close();
    if (this.commits > 0) this.log?.(`capture versions: ${this.recorded} recorded in ${this.commits} commits`);
  }
}
