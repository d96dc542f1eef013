import * as fs from "node:fs";
import type { KnownHostsStore } from "../ssh";
import type { CommandResult, Device, DeviceResult, OutputValidation, SessionErrorClass } from "../types";
import {
  credentialChain,
  redact,
  secretsOf,
  type ChainStep,
  type CredentialRecorder,
  type CredentialSource,
} from "./credentials";
import { classifyError, type Classified } from "./errors";
import { deviceRedactor, type DeviceRedactor, type RunRedaction } from "./redaction";
import type { CollectorDb } from "./history";
import type { HistoryRows } from "./history-rows";
import {
  closeQuietly,
  openAbortable,
  openRequest,
  type CollectSession,
  type HostKeyPolicy,
  type SessionOpener,
} from "./session";
import type { VersionRecorder } from "../changes";
import { captureContent, capturePieces, type CaptureStore, type CaptureWriter, type SavedCapture } from "./store";
import { excerptCommand, IN_MEMORY_OUTPUT_CHARS } from "./excerpt";
import { CommandOutputSink } from "./output-sink";
import type { LineStreamRedactor } from "./stream-redaction";
import { AbortedError, backoffDelay, deadlineController, jitterDelay, raceAbort, sleep } from "./timing";
import { RETRYABLE_CLASSES, type RetryPolicy, type RunTimeouts } from "./types";

/** Answers "was this host's key pinned before we touched it?" (lib/core/ssh's KnownHostsStore, adapted). */
export interface HostKeyPins {
  isPinned(host: string, port: number): boolean;
}

/** Everything one device's collection needs from its run. */
export interface DeviceRunContext {
  runId: string;
  captureType: string;
  commands: string[];
  credentials: CredentialSource;
  explicitCredential?: string;
  discovery: boolean;
  timeouts: RunTimeouts;
  retry: RetryPolicy;
  jitterMs: number;
  commandDelayMs: number;
  maxOutputBytes?: number;
  hostKeyPolicy: HostKeyPolicy;
  hostKeyStore?: KnownHostsStore;
  pins?: HostKeyPins;
  open: SessionOpener;
  store?: CaptureStore;
  /** Capture versions for change detection (lib/core/changes). */
  versions?: VersionRecorder;
  history?: { db: CollectorDb; historyId?: number; rows: HistoryRows };
  recorder?: CredentialRecorder;
  /** Secret rules and the vault's secrets, applied to every output and error of the device. */
  redaction: RunRedaction;
  /** Checks a device's output before its capture is saved (a job's validation gate). */
  validate?: OutputValidator;
  /** The run's signal: aborting it cancels every device. */
  signal: AbortSignal;
  log?: (line: string) => void;
  random: () => number;
}

/** What a validation gate decided for one device: save the capture or not, fail the device or not. */
export interface ValidationVerdict {
  validation: OutputValidation;
  save: boolean;
  fail: boolean;
}

export type OutputValidator = (result: DeviceResult) => ValidationVerdict | Promise<ValidationVerdict>;

interface Login {
  session: CollectSession;
  step: ChainStep;
}

/**
 * Collects one device: start jitter, the credential chain (with retries for connection failures
 * only), the commands in order with the delay between them, then the capture. Never throws:
 * every outcome, including cancellation and internal errors, becomes a DeviceResult.
 */
export async function collectDevice(device: Device, ctx: DeviceRunContext): Promise<DeviceResult> {
  await sleep(jitterDelay(ctx.jitterMs, ctx.random), ctx.signal);
  const startedAt = new Date();
  const commands: CommandResult[] = [];
  let credentialName: string | undefined;
  let failure: Classified | undefined;
  let session: CollectSession | undefined;
  let prompt = "";
  let secrets: string[] = [];
  const clean = deviceRedactor(device.platform, ctx.redaction);
  let capture: StreamingCapture | undefined;
  const deadline = deadlineController(ctx.timeouts.deviceMs, [ctx.signal]);
  const deadlineAt = Date.now() + ctx.timeouts.deviceMs;
  try {
    if (ctx.signal.aborted) throw new AbortedError(ctx.signal.reason);
    const login = await loginWithChain(device, ctx, deadline.signal, deadlineAt);
    session = login.session;
    prompt = session.prompt;
    credentialName = login.step.credential.name;
    secrets = secretsOf(login.step.credential);
    rememberCredential(ctx, device, { credentialName, status: "ok" });
    if (ctx.store) capture = new StreamingCapture(ctx, device.name, prompt);
    failure = await runCommands(session, ctx, deadline.signal, commands, secrets, clean, capture);
  } catch (err) {
    failure = classifyError(err);
  } finally {
    deadline.dispose();
    if (session) await closeQuietly(session);
  }

  const result: DeviceResult = {
    runId: ctx.runId,
    device,
    captureType: ctx.captureType,
    ...outcome(commands, failure, secrets, clean),
    credentialName,
    commands,
    capturePaths: [],
    startedAt: startedAt.toISOString(),
    finishedAt: "",
    durationMs: 0,
  };
  let save = result.status !== "failed";
  if (save && ctx.validate) save = await applyValidation(result, ctx.validate);
  if (save && ctx.store) await saveCapture(result, prompt, ctx, capture);
  else await capture?.discard();
  const finishedAt = new Date();
  result.finishedAt = finishedAt.toISOString();
  result.durationMs = finishedAt.getTime() - startedAt.getTime();
  return result;
}

/** Runs the validation gate; a failing verdict makes the device failed (validation_failed). Returns "save?". */
async function applyValidation(result: DeviceResult, validate: OutputValidator): Promise<boolean> {
  let verdict: ValidationVerdict;
  try {
    verdict = await validate(result);
  } catch (err) {
    verdict = {
      validation: {
        valid: false,
        score: 0,
        minScore: 0,
        template: null,
        recordCount: 0,
        reason: classifyError(err).message,
      },
      save: false,
      fail: true,
    };
  }
  result.validation = verdict.validation;
  if (verdict.fail) {
    result.status = "failed";
    result.errorClass = "validation_failed";
    result.error = verdict.validation.reason ?? "the output failed validation";
  }
  if (verdict.save && !verdict.validation.valid) result.validation.stored = true;
  return verdict.save;
}

/** failed (with the failure's class), partial (a command was rejected) or ok. */
function outcome(
  commands: CommandResult[],
  failure: Classified | undefined,
  secrets: string[],
  clean: DeviceRedactor,
): Pick<DeviceResult, "status" | "errorClass" | "error"> {
  if (failure)
    return { status: "failed", errorClass: failure.errorClass, error: clean.message(redact(failure.message, secrets)) };
  const rejected = commands.filter((c) => c.status === "error");
  if (rejected.length === 0) return { status: "ok" };
  return {
    status: "partial",
    errorClass: "command_error",
    error: rejected.map((c) => c.error ?? `${c.command}: rejected`).join("; "),
  };
}

/** Tries the chain's credentials in order; only an auth failure moves on to the next one. */
async function loginWithChain(
  device: Device,
  ctx: DeviceRunContext,
  signal: AbortSignal,
  deadlineAt: number,
): Promise<Login> {
  if (!device.host) throw failureOf("internal_error", "the device has no host (management address)");
  if (!device.platform) throw failureOf("internal_error", "the device has no platform");
  const hostPinned = ctx.discovery && ctx.pins ? ctx.pins.isPinned(device.host, device.port || 22) : false;
  const chain = credentialChain(device, ctx.credentials, {
    explicit: ctx.explicitCredential,
    discovery: ctx.discovery,
    hostPinned,
  });
  if (chain.steps.length === 0) {
    throw failureOf(
      "no_credential",
      ["no credential to try: no device mapping, explicit credential or vault default", ...chain.notes].join("; "),
    );
  }
  const rejected: string[] = [];
  for (const step of chain.steps) {
    try {
      const session = await openWithRetry(device, step, ctx, signal, deadlineAt);
      return { session, step };
    } catch (err) {
      const c = classifyError(err);
      if (c.errorClass !== "auth_failed") throw err;
      rejected.push(step.credential.name);
    }
  }
  rememberCredential(ctx, device, { status: "failed", rejected });
  const notes = chain.notes.length ? `; ${chain.notes.join("; ")}` : "";
  throw failureOf("auth_failed", `every credential was rejected (${rejected.join(", ")})${notes}`);
}

/**
 * One credential, with retries and backoff for failures that mean "not reachable" (nothing was
 * sent, no lockout risk). Discovery credentials go out with the strict host-key policy, so they
 * reach only a host whose pinned key it presents.
 */
async function openWithRetry(
  device: Device,
  step: ChainStep,
  ctx: DeviceRunContext,
  signal: AbortSignal,
  deadlineAt: number,
): Promise<CollectSession> {
  const policy: HostKeyPolicy =
    step.source === "discovery" && ctx.hostKeyPolicy === "tofu" ? "strict" : ctx.hostKeyPolicy;
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) throw new AbortedError(signal.reason);
    const request = openRequest(device, step.credential, {
      timeouts: ctx.timeouts,
      policy,
      store: ctx.hostKeyStore,
      maxOutputBytes: ctx.maxOutputBytes,
      profileDirs: ctx.redaction.platforms?.extraDirs,
      signal,
      log: ctx.log,
      deadlineAt,
    });
    try {
      return await openAbortable(ctx.open, request, signal);
    } catch (err) {
      if (err instanceof AbortedError) throw err;
      const c = classifyError(err);
      if (!RETRYABLE_CLASSES.has(c.errorClass) || attempt >= ctx.retry.retries) {
        throw attempt > 0 ? failureOf(c.errorClass, `${c.message} (after ${attempt + 1} attempts)`) : err;
      }
      ctx.log?.(`${device.name}: ${c.errorClass}, retry ${attempt + 1}/${ctx.retry.retries}`);
      await sleep(backoffDelay(attempt + 1, ctx.retry, ctx.random), signal);
      // The device's time limit ran out while waiting: report what kept failing, not the limit.
      if (signal.aborted)
        throw failureOf(
          c.errorClass,
          `${c.message} (gave up after ${attempt + 1} attempts: ${signal.reason === "deadline" ? "device time limit reached" : "cancelled"})`,
        );
    }
  }
}

/**
 * Runs the commands in order. A rejected command (command_error) is recorded and the next one
 * runs; a timeout, disconnect or oversized output ends the device, keeping the partial output.
 */
async function runCommands(
  session: CollectSession,
  ctx: DeviceRunContext,
  signal: AbortSignal,
  out: CommandResult[],
  secrets: string[],
  clean: DeviceRedactor,
  capture?: StreamingCapture,
): Promise<Classified | undefined> {
  for (let i = 0; i < ctx.commands.length; i++) {
    const command = ctx.commands[i];
    if (i > 0) await sleep(ctx.commandDelayMs, signal);
    if (signal.aborted) throw new AbortedError(signal.reason);
    const t0 = Date.now();
    // With a capture file the output streams into it as it arrives; only an excerpt stays in memory.
    const sink = capture?.sinkFor(command, clean.stream());
    try {
      const r = await raceAbort(
        session.run(command, { timeoutMs: ctx.timeouts.commandMs, ...(sink ? { onLines: sink.onLines } : {}) }),
        signal,
      );
      const streamed = sink && r.streamedChars !== undefined ? await sink.finish() : undefined;
      const output = streamed ? streamed.output : clean.output(r.output);
      const kept: Pick<CommandResult, "output" | "outputTruncated" | "outputBytes"> = streamed ?? { output };
      out.push(
        r.error
          ? {
              command,
              ...kept,
              status: "error",
              errorClass: r.error.errorClass,
              error: clean.message(redact(r.error.message, secrets)),
              durationMs: r.durationMs,
            }
          : { command, ...kept, status: "ok", durationMs: r.durationMs },
      );
      if (capture && !streamed) out[out.length - 1] = await capture.add(out[out.length - 1]);
    } catch (err) {
      const c = classifyError(err);
      // A streamed output's start is in the sink (redacted); the session's partial output is the rest.
      const before = sink?.textSoFar ?? "";
      const partial = c.partialOutput ?? "";
      const text = before && partial ? `${before}\n${partial}` : before || partial;
      out.push(
        excerptCommand(
          {
            command,
            output: clean.output(text, true),
            status: "error",
            errorClass: c.errorClass,
            error: clean.message(redact(c.message, secrets)),
            durationMs: Date.now() - t0,
          },
          IN_MEMORY_OUTPUT_CHARS,
        ),
      );
      return c;
    }
  }
  return undefined;
}

/** Writes the capture and its captures row; a failure of either makes the device failed. */
async function saveCapture(
  result: DeviceResult,
  prompt: string,
  ctx: DeviceRunContext,
  capture?: StreamingCapture,
): Promise<void> {
  const store = ctx.store!;
  const capturedAt = new Date();
  try {
    const saved: SavedCapture & { content?: string } = capture
      ? await capture.commit(capturedAt)
      : await store.save(ctx.captureType, result.device.name, captureContent(result.commands, prompt), capturedAt);
    // The captures row commits with its group while the version is recorded (both waited for below).
    const history = ctx.history;
    const row = history?.rows.add(() =>
      history.db.addCapture({
        runId: ctx.runId,
        historyId: history.historyId,
        deviceId: result.device.id,
        deviceName: result.device.name,
        captureType: ctx.captureType,
        path: saved.path,
        historyPath: saved.historyPath,
        size: saved.size,
        sha256: saved.sha256,
        capturedAt: capturedAt.toISOString(),
        commands: result.commands.map((c) => c.command),
      }),
    ).done;
    row?.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
    if (ctx.versions) {
      const versions = ctx.versions;
      // The version store compares whole texts: the capture file holds the whole output (results
      // keep excerpts). Texts are read one at a time per run and the recorder bounds what waits
      // for its group commit, so a run of big captures holds few whole texts at once. The device
      // is done once its version is committed (vc-diff looks it up on the device's message).
      const queued = await oneAtATime(versions, async () => {
        const content = capture
          ? (saved.content ?? (await fs.promises.readFile(saved.path, "utf8")))
          : captureContent(result.commands, prompt);
        const r = versions.record({
          device: result.device,
          captureType: ctx.captureType,
          content,
          runId: ctx.runId,
          capturedAt,
        });
        await r.queued;
        return { recorded: r.recorded }; // wrapped: returning the promise itself would hold the queue until it settles
      });
      await queued.recorded;
    }
    result.capturePaths = saved.historyPath ? [saved.path, saved.historyPath] : [saved.path];
    await row;
  } catch (err) {
    const c = classifyError(err);
    result.status = "failed";
    result.errorClass = "save_failed";
    result.error =
      c.errorClass === "save_failed"
        ? c.message
        : `the capture was written but not recorded in the captures table: ${c.message}`;
  }
}

const queues = new WeakMap<object, Promise<unknown>>();

/** Runs the tasks given for one key one after another. */
function oneAtATime<T>(key: object, task: () => Promise<T>): Promise<T> {
  const next = (queues.get(key) ?? Promise.resolve()).then(task, task);
  queues.set(
    key,
    next.catch(() => undefined),
  );
  return next;
}

function rememberCredential(
  ctx: DeviceRunContext,
  device: Device,
  result: { credentialName?: string; status: "ok" | "failed"; rejected?: string[] },
): void {
  if (!ctx.recorder) return;
  try {
    ctx.recorder.setCredentialResult(device.name, { ...result, at: new Date() });
  } catch (err) {
    // The device may not be in the inventory (a CSV or msg.payload device): nothing to remember.
    ctx.log?.(`${device.name}: credential result not saved: ${classifyError(err).message}`);
  }
}

function failureOf(errorClass: SessionErrorClass, message: string): Error & { errorClass: SessionErrorClass } {
  return Object.assign(new Error(message), { errorClass });
}

/** A capture is kept in memory up to this many characters and written with one write; past it, it streams to its file. */
export const CAPTURE_SPILL_CHARS = 256 * 1024;

/**
 * The device's capture, written command by command as outputs arrive (atomic: a temp file renamed
 * at the end). A small capture stays in memory and is saved with one write at commit; once it
 * passes CAPTURE_SPILL_CHARS the temp file is opened and the rest streams into it, so a big
 * output is not held in memory for the whole device. A write error is kept and reported at
 * commit (the device then fails with save_failed).
 */
class StreamingCapture {
  private writer?: Promise<CaptureWriter>;
  private error?: unknown;
  private buffered: string[] = [];
  private bufferedChars = 0;

  constructor(
    private readonly ctx: DeviceRunContext,
    private readonly deviceName: string,
    private readonly prompt: string,
  ) {}

  /** Appends the command's part and returns the result to keep in memory (output excerpted). */
  async add(result: CommandResult): Promise<CommandResult> {
    for (const piece of capturePieces(result, this.prompt, this.ctx.commands.length)) await this.append(piece);
    return this.error === undefined ? excerptCommand(result, IN_MEMORY_OUTPUT_CHARS) : result;
  }

  /**
   * A sink that writes the command's part as its output streams in (the same text `add` writes):
   * the transcript header first when the capture has several commands, then the redacted output.
   */
  sinkFor(command: string, redactor: LineStreamRedactor): CommandOutputSink {
    let headed = this.ctx.commands.length === 1;
    const header = `${this.prompt}${command}\n`;
    return new CommandOutputSink(
      redactor,
      (text) => {
        if (headed) return this.append(text);
        headed = true;
        const busy = this.append(header);
        return busy ? busy.then(() => this.append(text)) : this.append(text);
      },
      IN_MEMORY_OUTPUT_CHARS,
      async (wroteText) => {
        if (!headed) await this.append(header);
        if (wroteText) await this.append("\n");
      },
    );
  }

  /** Returns a promise only when the text goes to the file (the capture passed the spill size). */
  private append(text: string): void | Promise<void> {
    if (this.error !== undefined) return;
    if (this.writer === undefined && this.bufferedChars + text.length <= CAPTURE_SPILL_CHARS) {
      this.buffered.push(text);
      this.bufferedChars += text.length;
      return;
    }
    return this.appendToFile(text);
  }

  private async appendToFile(text: string): Promise<void> {
    try {
      if (this.writer === undefined) {
        this.writer = this.ctx.store!.open(this.ctx.captureType, this.deviceName);
        this.buffered.push(text);
        text = this.takeBuffered();
      }
      await (await this.writer).append(text);
    } catch (err) {
      this.error = err;
    }
  }

  private takeBuffered(): string {
    const text = this.buffered.length === 1 ? this.buffered[0] : this.buffered.join("");
    this.buffered = [];
    this.bufferedChars = 0;
    return text;
  }

  /** Saves the capture; `content` is its text when it was small enough to stay in memory. */
  async commit(at: Date): Promise<SavedCapture & { content?: string }> {
    if (this.error !== undefined) {
      await this.discard();
      throw this.error;
    }
    if (this.writer === undefined) {
      const content = this.takeBuffered();
      const saved = await this.ctx.store!.save(this.ctx.captureType, this.deviceName, content, at);
      return { ...saved, content };
    }
    return (await this.writer).commit(at);
  }

  async discard(): Promise<void> {
    this.buffered = [];
    this.bufferedChars = 0;
    const writer = await this.writer?.catch(() => undefined);
    await writer?.discard();
  }
}
