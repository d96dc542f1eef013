import * as fs from "node:fs";
import * as path from "node:path";
import { listCaptures, listCaptureTypes, parseAge } from "../../lib/core/captures/browse";
import { historyDir, latestCapturePath, safeSegment } from "../../lib/core/captures/layout";
import { CollectorDb } from "../../lib/core/collect";
import { VcError } from "../../lib/core/errors";
import { searchCaptures } from "../../lib/core/search";
import { resolveTemplateSource, smartExport } from "../../lib/core/parse";
import { withExisting, type SidebarContext } from "./context";
import { bool, int, queryBool, queryInt, type Routes } from "./http";
import type { RunManager } from "./runs";

/**
 * History and Captures views. Capture files are named by capture type + device (+ a history
 * stamp), each checked to be one path segment, and resolved under the data home's collections:
 * no path ever comes from a request.
 */
const text = (max = 200) => ({ type: "string", maxLength: max }) as const;
export const MAX_VIEW_BYTES = 5 * 1024 * 1024;
export const MAX_SEARCH_RESULTS = 1000;
export const MAX_PREVIEW_RECORDS = 200;

const CAPTURE_KEY = {
  type: text(100),
  device: text(200),
  stamp: { type: "string", pattern: "^[0-9TZ]{8,32}$" },
} as const;

export function registerDataRoutes(
  routes: Routes,
  ctx: SidebarContext,
  runs: RunManager,
  templatesDir: () => string | undefined,
): void {
  const withHistory = <T>(fn: (db: CollectorDb) => T): T | undefined => {
    return withExisting(ctx.home.collectorDb, () => CollectorDb.open(ctx.home.collectorDb), fn);
  };

  routes.add<{ limit?: string }>(
    "get",
    "/history",
    { type: "object", properties: { limit: queryInt }, additionalProperties: false },
    ({ limit }) => ({
      body: { runs: withHistory((db) => db.listRuns(Math.min(int(limit) ?? 50, 500))) ?? [] },
    }),
  );

  routes.add<{ id: string }>(
    "get",
    "/history/:id",
    { type: "object", properties: { id: { type: "string", pattern: "^[0-9]{1,12}$" } }, required: ["id"] },
    ({ id }) => {
      const found = withHistory((db) => {
        const run = db.getRun(Number(id));
        if (!run) return undefined;
        const recorded = run.runId ? db.runDevices(run.runId) : [];
        const captures = run.runId && recorded.length === 0 ? db.listCaptures({ runId: run.runId }) : [];
        const jobs = run.kind === "batch" && run.runId ? db.batchJobs(run.runId) : [];
        return { run, recorded, captures, jobs };
      });
      if (!found) throw new VcError("not_found", "no such run in the history", `run ${id}`);
      const { run, recorded, captures, jobs } = found;
      // Per device: collector.db's run_devices (every run of the CLI, the nodes, jobs and this
      // sidebar), else what this Node-RED process saw, else the captures an older run saved.
      if (recorded.length > 0 || run.kind === "batch")
        return {
          body: {
            run,
            jobs,
            devices: recorded.map((d) => ({
              device: d.deviceName,
              status: d.status,
              ...(d.errorClass ? { errorClass: d.errorClass } : {}),
              ...(d.error ? { error: d.error } : {}),
              ...(d.credentialName ? { credentialName: d.credentialName } : {}),
              ...(d.durationMs !== null ? { durationMs: d.durationMs } : {}),
              ...(d.template ? { template: d.template, score: d.score } : {}),
            })),
            perDeviceSource: "history",
          },
        };
      const seen = run.runId ? runs.devicesOfCollectorRun(run.runId) : undefined;
      const devices =
        seen ??
        captures.map((c) => ({
          device: c.deviceName,
          status: "ok",
          captureType: c.captureType,
          size: c.size,
          capturedAt: c.capturedAt,
        }));
      return { body: { run, jobs, devices, perDeviceSource: seen ? "run" : "captures" } };
    },
  );

  routes.add<{ type?: string; device?: string; age?: string; history?: string }>(
    "get",
    "/captures",
    {
      type: "object",
      properties: { type: text(100), device: text(200), age: text(20), history: queryBool },
      additionalProperties: false,
    },
    async (q) => {
      const collections = ctx.home.collections;
      if (!fs.existsSync(collections)) return { body: { types: [], captures: [] } };
      const files = await listCaptures(collections, {
        captureTypes: q.type ? [q.type] : undefined,
        devices: q.device ? [q.device.includes("*") || q.device.includes("?") ? q.device : `*${q.device}*`] : undefined,
        maxAgeMs: q.age ? parseAge(q.age, "age") : undefined,
        includeHistory: bool(q.history),
      });
      return {
        body: {
          types: await listCaptureTypes(collections),
          truncated: files.length > 2000,
          captures: files.slice(0, 2000).map((f) => ({
            type: f.captureType,
            device: f.device,
            size: f.size,
            capturedAt: f.capturedAt.toISOString(),
            history: f.history,
            ...(f.history ? { stamp: path.basename(f.path, ".txt") } : {}),
          })),
        },
      };
    },
  );

  routes.add<{ type: string; device: string; stamp?: string }>(
    "get",
    "/captures/content",
    { type: "object", properties: CAPTURE_KEY, required: ["type", "device"], additionalProperties: false },
    async (q) => {
      const file = captureFile(ctx, q);
      const st = await fs.promises.stat(file);
      const fh = await fs.promises.open(file, "r");
      try {
        const length = Math.min(st.size, MAX_VIEW_BYTES);
        const buf = Buffer.alloc(length);
        await fh.read(buf, 0, length, 0);
        return {
          body: {
            type: q.type,
            device: q.device,
            size: st.size,
            capturedAt: st.mtime.toISOString(),
            truncated: st.size > MAX_VIEW_BYTES,
            text: buf.toString("utf8"),
          },
        };
      } finally {
        await fh.close();
      }
    },
  );

  routes.add<{
    pattern: string;
    regex?: string;
    caseSensitive?: string;
    type?: string;
    device?: string;
    history?: string;
  }>(
    "get",
    "/captures/search",
    {
      type: "object",
      properties: {
        pattern: { type: "string", minLength: 1, maxLength: 500 },
        regex: queryBool,
        caseSensitive: queryBool,
        type: text(100),
        device: text(200),
        history: queryBool,
      },
      required: ["pattern"],
      additionalProperties: false,
    },
    async (q) => {
      if (!fs.existsSync(ctx.home.collections))
        return { body: { matches: [], truncated: false, filesSearched: 0, filesMatched: 0 } };
      const result = await searchCaptures({
        collections: ctx.home.collections,
        pattern: q.pattern,
        regex: bool(q.regex),
        caseSensitive: bool(q.caseSensitive),
        captureTypes: q.type ? [q.type] : undefined,
        devices: q.device ? [q.device] : undefined,
        includeHistory: bool(q.history),
        maxResults: MAX_SEARCH_RESULTS,
      });
      return {
        body: {
          matches: result.matches.map((m) => ({
            type: m.captureType,
            device: m.device,
            lineNumber: m.lineNumber,
            line: m.line,
            match: m.match,
            capturedAt: m.capturedAt,
            ...(m.history ? { stamp: path.basename(m.path, ".txt") } : {}),
          })),
          truncated: result.truncated,
          filesSearched: result.filesSearched,
          filesMatched: result.filesMatched,
          skipped: result.skipped.length,
          durationMs: Math.round(result.durationMs),
        },
      };
    },
  );

  routes.add<{ type: string; device: string; stamp?: string; format?: "json" | "csv"; download?: string }>(
    "get",
    "/captures/smart-export",
    {
      type: "object",
      properties: {
        ...CAPTURE_KEY,
        format: { type: "string", enum: ["json", "csv"] },
        download: queryBool,
      },
      required: ["type", "device"],
      additionalProperties: false,
    },
    (q) => {
      const file = captureFile(ctx, q);
      const platform = ctx.inventoryExists()
        ? ctx.withInventory(false, (inv) => inv.getDevice(q.device)?.platform)
        : undefined;
      const result = smartExport(
        fs.readFileSync(file, "utf8"),
        { captureType: q.type, platform: platform || undefined },
        {
          format: q.format ?? "json",
          source: `${q.type}/${q.device}${q.stamp ? `@${q.stamp}` : ""}`,
          // The same template choice as the nodes: settings.js vcTextfsmTemplatesDir, NET_TEXTFSM, else bundled + the home's library.
          templates: resolveTemplateSource({ setting: templatesDir(), libraryFile: ctx.home.templatesDb }),
        },
      );
      const doc = result.document;
      if (bool(q.download)) {
        const name = `${q.device}_${q.type}_parsed.${result.format}`;
        return {
          file: {
            name,
            contentType: result.format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
            content: result.content,
          },
        };
      }
      return {
        body: {
          template: doc.template,
          score: doc.score,
          recordCount: doc.record_count,
          fields: doc.fields,
          records: doc.data.slice(0, MAX_PREVIEW_RECORDS),
          truncated: doc.data.length > MAX_PREVIEW_RECORDS,
          ranking: result.detection.ranking.slice(0, 5).map((r) => ({ template: r.template, score: r.score })),
        },
      };
    },
  );
}

/** The capture file for a type + device (+ history stamp), each one safe path segment, that exists. */
export function captureFile(ctx: SidebarContext, q: { type: string; device: string; stamp?: string }): string {
  const where = `${q.type}/${q.device}`;
  if (safeSegment(q.type) !== q.type || safeSegment(q.device) !== q.device)
    throw new VcError("not_found", "no such capture", where);
  const collections = ctx.home.collections;
  const file = q.stamp
    ? path.join(historyDir(collections, q.type, q.device), `${q.stamp}.txt`)
    : latestCapturePath(collections, q.type, q.device);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    throw new VcError("not_found", "no such capture", where);
  }
  if (!st.isFile()) throw new VcError("not_found", "no such capture", where);
  return file;
}
