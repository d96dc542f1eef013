import * as assert from "node:assert";
import * as fs from "node:fs";
import type { Page } from "playwright-core";
import { useBrowser, type BrowserSession } from "../support/browser";
import {
  openSidebar,
  screenshot,
  showView,
  type RedWindow,
  SIDEBAR_DEMO_PASSWORD,
  useSidebarDemo,
  historyDeviceRows,
} from "../support/sidebar-page";

/**
 * The VelocityCollector sidebar in the Node-RED editor, on the demo (`npm start`: lab, inventory
 * of 20 devices, vault, templates), driven in Chromium like a user: devices CRUD, CSV import with
 * bad rows, discovery and collection with live progress, history, captures viewer and search,
 * Smart Export downloads. Screenshots of each view go to docs/images/sidebar-*.png.
 * Needs `npm run build`. The tests run in order on one demo (later ones use earlier results).
 */
const MASTER_PASSWORD = SIDEBAR_DEMO_PASSWORD;
const LAB_ENABLE_SECRET = "lab-enable";

/** Clicks Save in the device form and waits for `done`, failing with the form's error if one shows. */
async function saveDevice(page: Page, done: string): Promise<void> {
  await page.locator(".vc-sb-dev-save").click();
  const outcome = await page.waitForFunction(
    (text) => {
      const msg = document.querySelector("#vc-sb-view-devices .vc-sb-message")?.textContent ?? "";
      if (msg.includes(text)) return "ok";
      const err = document.querySelector(".vc-sb-device-form .vc-sb-form-error")?.textContent ?? "";
      return err.trim() !== "" ? err : false;
    },
    done,
    { timeout: 30_000 },
  );
  const result = await outcome.jsonValue();
  if (result !== "ok") throw new Error(`saving failed: ${String(result)}`);
}

async function deviceNames(page: Page): Promise<string[]> {
  return page.locator(".vc-sb-devices-table tbody td.vc-sb-dev-name").allTextContents();
}

/** Types a name filter and waits until the table shows its result. */
async function filterDevices(page: Page, text: string): Promise<void> {
  await page.locator("#vc-sb-view-devices .vc-sb-filter-name").fill(text);
  await page.waitForFunction(
    (t) => document.querySelector("#vc-sb-view-devices .vc-sb-table-box")?.getAttribute("data-filter-name") === t,
    text,
  );
}

/** Request bodies the page sent and the vc admin responses it got, for the secret scan. */
function recordTraffic(session: BrowserSession): { texts: string[]; frames: string[]; pending: Array<Promise<void>> } {
  const texts: string[] = [];
  const frames: string[] = [];
  const pending: Array<Promise<void>> = [];
  session.page.on("request", (r) => {
    const body = r.postData();
    if (body) texts.push(body);
  });
  session.page.on("response", (r) => {
    if (!r.url().includes("/vc/")) return;
    pending.push(
      r.text().then(
        (t) => {
          texts.push(t);
        },
        () => undefined,
      ),
    );
  });
  session.page.on("websocket", (ws) => ws.on("framereceived", (f) => frames.push(String(f.payload))));
  return { texts, frames, pending };
}

async function assertNoSecret(page: Page, traffic: ReturnType<typeof recordTraffic>): Promise<void> {
  await Promise.all(traffic.pending);
  const html = await page.content();
  for (const secret of [MASTER_PASSWORD, LAB_ENABLE_SECRET]) {
    assert.ok(!html.includes(secret), "no secret in the page");
    assert.ok(!traffic.texts.some((t) => t.includes(secret)), "no secret in any request or vc response");
    assert.ok(!traffic.frames.some((t) => t.includes(secret)), "no secret over comms");
  }
}

describe("VelocityCollector sidebar in the editor (demo + chromium)", function () {
  this.timeout(180_000);
  const browser = useBrowser({ viewport: { width: 1500, height: 1000 } });
  const started = useSidebarDemo("vc-sidebar-browser-");

  it("devices: lists the inventory with coverage, adds, edits and removes a device, and adds a site", async () => {
    const { page, pageErrors } = browser.session;
    const traffic = recordTraffic(browser.session);
    await openSidebar(page, started.demo.url);
    assert.match((await page.locator("#vc-sb-status").textContent()) ?? "", /Vault unlocked \(demo vault\)/);
    // The keyboard shortcut brings the tab back after another one was shown.
    await page.evaluate(() => (window as unknown as RedWindow).RED.sidebar.show("info"));
    await page.locator("#vc-sidebar-root").waitFor({ state: "hidden" });
    await page.locator("#red-ui-workspace-chart").click({ position: { x: 300, y: 400 } });
    await page.keyboard.press("Control+g");
    await page.keyboard.press("n");
    await page.locator("#vc-sidebar-root").waitFor();
    await page.locator(".vc-sb-devices-table tbody tr").first().waitFor();
    assert.match(
      (await page.locator("#vc-sb-view-devices .vc-sb-summary").textContent()) ?? "",
      /^20 device\(s\) · credential coverage 0% \(0 ok, 0 failed, 20 untested\)$/,
    );
    assert.strictEqual((await deviceNames(page)).length, 20);

    // Sort by platform, descending (header buttons).
    await page.locator(".vc-sb-devices-table th button", { hasText: "Platform" }).click();
    await page.locator(".vc-sb-devices-table th[aria-sort='ascending']", { hasText: "Platform" }).waitFor();
    await page.locator(".vc-sb-devices-table th button", { hasText: "Platform" }).click();
    await page.locator(".vc-sb-devices-table th[aria-sort='descending']", { hasText: "Platform" }).waitFor();
    assert.match((await deviceNames(page))[0], /^junos-/);
    // Filter by platform and by name.
    await page.locator("#vc-sb-view-devices .vc-sb-filter-platform").selectOption({ label: "Cisco IOS" });
    await page.waitForFunction(() => document.querySelectorAll(".vc-sb-devices-table tbody tr").length === 5);
    await page.locator("#vc-sb-view-devices .vc-sb-filter-platform").selectOption("");
    await filterDevices(page, "rtr-0[13]");
    assert.deepStrictEqual((await deviceNames(page)).sort(), ["ios-rtr-01", "junos-rtr-03"]);

    // Add: a new site on the fly, a device that refuses connections (for the run below).
    await filterDevices(page, "");
    await page.locator(".vc-sb-dev-add").click();
    await page.locator("#vc-sb-dev-f-name").fill("dead-01");
    await page.locator("#vc-sb-dev-f-host").fill("127.0.0.1");
    await page.locator("#vc-sb-dev-f-port").fill("1");
    await page.locator("#vc-sb-dev-f-platform").selectOption("cisco_ios");
    await page.locator("#vc-sb-dev-f-site").fill("branch-9");
    await page.locator(".vc-sb-dev-save").click();
    // An unknown site is refused unless allowed.
    await page.locator(".vc-sb-device-form .vc-sb-form-error", { hasText: /branch-9/ }).waitFor();
    await page.locator("#vc-sb-dev-f-create").check();
    await saveDevice(page, "Added dead-01");
    await filterDevices(page, "dead");
    assert.deepStrictEqual(await deviceNames(page), ["dead-01"]);
    assert.strictEqual(
      await page.locator(".vc-sb-devices-table tbody tr[data-device='dead-01'] td").nth(4).textContent(),
      "branch-9",
    );

    // Edit by keyboard: focus the row, Enter opens the form.
    await page.locator(".vc-sb-devices-table tbody tr[data-device='dead-01']").focus();
    await page.keyboard.press("Enter");
    await page.locator("#vc-sb-dev-f-status").selectOption("planned");
    await page.locator("#vc-sb-dev-f-tags").fill("lab, broken");
    await saveDevice(page, "Saved dead-01");
    await page.locator(".vc-sb-devices-table tbody tr[data-device='dead-01'] td", { hasText: "planned" }).waitFor();

    // A second device to remove again.
    await page.locator(".vc-sb-dev-add").click();
    await page.locator("#vc-sb-dev-f-name").fill("temp-99");
    await page.locator("#vc-sb-dev-f-host").fill("127.0.0.99");
    await page.locator("#vc-sb-dev-f-platform").selectOption("arista_eos");
    await saveDevice(page, "Added temp-99");
    await filterDevices(page, "temp");
    await page.locator("tr[data-device='temp-99'] .vc-sb-select").check();
    await page.locator(".vc-sb-dev-delete").click();
    await page.locator(".vc-sb-confirm", { hasText: "Remove 1 device(s): temp-99?" }).waitFor();
    await page.locator(".vc-sb-confirm-yes").click();
    await page.locator(".vc-sb-message", { hasText: "Removed 1 device(s)" }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll(".vc-sb-devices-table tbody tr").length === 0);

    // Sites, roles, platforms.
    await filterDevices(page, "");
    await page.locator(".vc-sb-dev-taxonomy").click();
    await page.locator("#vc-sb-tax-name").fill("Data Centre 2");
    await page.locator(".vc-sb-tax-submit").click();
    await page.locator(".vc-sb-tax-table tr[data-slug='data-centre-2']").waitFor();
    await page.locator(".vc-sb-kind-role").click();
    await page.locator(".vc-sb-tax-table tr[data-slug='router']").waitFor();
    await page.locator(".vc-sb-kind-site").click();
    await page.locator(".vc-sb-tax-table tr[data-slug='branch-9'] .vc-sb-tax-delete").click();
    await page.locator(".vc-sb-confirm-yes").click();
    await page
      .locator(".vc-sb-panel .vc-sb-form-error", { hasText: /still used by 1 device.*\(conflict\)$/ })
      .waitFor();
    await page.locator(".vc-sb-panel-close").click();
    await screenshot(page, "devices");
    await assertNoSecret(page, traffic);
    assert.deepStrictEqual(
      pageErrors.filter((e) => !/favicon|Failed to load resource/.test(e)),
      [],
    );
  });

  it("devices: CSV import shows each bad row with its row and column, imports nothing, then skips bad rows on request", async () => {
    const { page, pageErrors } = browser.session;
    await openSidebar(page, started.demo.url);
    await page.locator(".vc-sb-devices-table tbody tr").first().waitFor();
    await page.locator(".vc-sb-dev-csv").click();
    const csv = [
      "name,primary_ip4,platform,site,role,status",
      "csv-01,127.0.0.50,cisco_ios,lab,router,active",
      "csv-02,127.0.0.51,no_such_os,lab,router,active",
      'csv-03,127.0.0.52,cisco_ios,"<img src=x onerror=""window.__vcXss=1"">",router,active',
      "csv-04,127.0.0.53,arista_eos,lab,switch,active",
    ].join("\n");
    await page.locator("#vc-sb-csv-text").fill(csv);
    await page.locator(".vc-sb-csv-import").click();
    await page.locator(".vc-sb-csv-errors").waitFor();
    assert.match((await page.locator(".vc-sb-csv-summary").textContent()) ?? "", /^Nothing imported: 2 problem/);
    const rows = await page
      .locator(".vc-sb-csv-errors tbody tr")
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => td.textContent ?? "")));
    assert.deepStrictEqual(
      rows.map((r) => [r[0], r[1]]),
      [
        ["3", "platform"],
        ["4", "site"],
      ],
    );
    assert.match(rows[0][2], /no_such_os/);
    assert.match(rows[1][2], /<img src=x/, "the cell is shown as text");
    assert.strictEqual(await page.locator(".vc-sb-csv-errors img").count(), 0, "never as HTML");
    assert.strictEqual(await page.evaluate(() => (window as unknown as { __vcXss?: number }).__vcXss), undefined);
    await filterDevices(page, "csv-");
    assert.deepStrictEqual(await deviceNames(page), [], "nothing was imported");
    await screenshot(page, "csv-import");

    await page.locator("#vc-sb-csv-skip").check();
    await page.locator(".vc-sb-csv-import").click();
    await page.locator(".vc-sb-csv-summary", { hasText: "Imported 2 device(s)" }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll(".vc-sb-devices-table tbody tr").length === 2);
    assert.deepStrictEqual(await deviceNames(page), ["csv-01", "csv-04"]);
    assert.deepStrictEqual(
      pageErrors.filter((e) => !/favicon|Failed to load resource/.test(e)),
      [],
    );
  });

  it("credentials: shows the vault and its credentials without secrets, and runs discovery with live progress", async () => {
    const { page } = browser.session;
    const traffic = recordTraffic(browser.session);
    await openSidebar(page, started.demo.url);
    await showView(page, "credentials");
    await page.locator(".vc-sb-creds-table tr[data-credential='lab-admin']").waitFor();
    const row = await page.locator(".vc-sb-creds-table tr[data-credential='lab-admin'] td").allTextContents();
    assert.deepStrictEqual(row.slice(0, 3), ["lab-admin", "admin", "password + enable"]);
    assert.ok(await page.locator("tr[data-credential='lab-admin'] .vc-sb-default").isChecked());
    // Fallback order: add, then take out again.
    await page.locator("tr[data-credential='lab-admin'] .vc-sb-fb-add").click();
    await page.locator("tr[data-credential='lab-admin'] .vc-sb-fallback-pos", { hasText: "1" }).waitFor();
    await page.locator("tr[data-credential='lab-admin'] .vc-sb-fb-remove").click();
    await page.locator("tr[data-credential='lab-admin'] .vc-sb-fallback-pos", { hasText: "—" }).waitFor();

    await page.locator("#vc-sb-disc-name").fill("^ios-");
    await page.locator("#vc-sb-disc-pinNewHosts").check();
    await page.locator(".vc-sb-disc-run").click();
    const progress = page.locator(".vc-sb-discovery .vc-sb-progress");
    await progress.waitFor();
    await page.locator(".vc-sb-discovery .vc-sb-progress[data-state='done']").waitFor({ timeout: 90_000 });
    assert.match((await progress.locator(".vc-sb-progress-text").textContent()) ?? "", /^5\/5 ✓5 ✗0 · done$/);
    await page.locator(".vc-sb-disc-results tbody tr").nth(4).waitFor();
    const results = await page
      .locator(".vc-sb-disc-results tbody tr")
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => td.textContent ?? "")));
    assert.deepStrictEqual(
      results.map((r) => [r[0], r[1], r[2]]).sort(),
      ["ios-rtr-01", "ios-rtr-05", "ios-rtr-09", "ios-rtr-13", "ios-rtr-17"].map((n) => [n, "matched", "lab-admin"]),
    );
    assert.match((await page.locator(".vc-sb-disc-coverage").textContent()) ?? "", /Coverage after the run: 100%/);
    await screenshot(page, "credentials");

    // Live progress came over comms: ids, counts and states only.
    const messages = traffic.frames
      .flatMap((f) => {
        try {
          return JSON.parse(f) as Array<{ topic: string; data: Record<string, unknown> }>;
        } catch {
          return [];
        }
      })
      .filter((m) => m && typeof m.topic === "string" && m.topic.startsWith("vc-sidebar/run/"));
    assert.ok(
      messages.some((m) => m.data.state === "running"),
      "a running state was published",
    );
    assert.ok(
      messages.some((m) => m.data.state === "done" && m.data.done === 5),
      "the final state was published",
    );
    for (const m of messages)
      assert.deepStrictEqual(
        Object.keys(m.data).filter(
          (k) =>
            ![
              "id",
              "kind",
              "state",
              "total",
              "done",
              "ok",
              "failed",
              "coveragePercent",
              "runId",
              "errorClass",
            ].includes(k),
        ),
        [],
      );

    // The devices view now shows the coverage.
    await showView(page, "devices");
    await page.locator("#vc-sb-view-devices .vc-sb-summary", { hasText: "5 ok" }).waitFor();
    await assertNoSecret(page, traffic);
  });

  it("collect now: runs on the selection with live progress; history lists the run with per-device results and error classes", async () => {
    const { page } = browser.session;
    const traffic = recordTraffic(browser.session);
    await openSidebar(page, started.demo.url);
    await page.locator(".vc-sb-devices-table tbody tr").first().waitFor();
    await filterDevices(page, "^(eos-sw-0[26]|dead-01)$");
    assert.deepStrictEqual(await deviceNames(page), ["dead-01", "eos-sw-02", "eos-sw-06"]);
    for (const n of ["dead-01", "eos-sw-02", "eos-sw-06"])
      await page.locator(`tr[data-device='${n}'] .vc-sb-select`).check();
    await page.locator(".vc-sb-dev-collect").click();
    await page.locator("#vc-sb-collect-commands").fill("show version");
    await page.locator("#vc-sb-collect-type").fill("version");
    await page.locator(".vc-sb-collect-run").click();
    await page.locator(".vc-sb-collect-form ~ .vc-sb-run-box .vc-sb-progress").waitFor();
    await page.locator(".vc-sb-run-box .vc-sb-progress[data-state='done']").waitFor({ timeout: 90_000 });
    assert.match(
      (await page.locator(".vc-sb-run-box .vc-sb-progress-text").textContent()) ?? "",
      /^3\/3 ✓2 ✗1 · done$/,
    );
    await page.locator(".vc-sb-run-devices tbody tr").nth(2).waitFor();
    await screenshot(page, "collect");

    await showView(page, "history");
    const first = page.locator(".vc-sb-history-table tbody tr").first();
    await first.waitFor();
    const cells = await first.locator("td").allTextContents();
    assert.strictEqual(cells[1], "sidebar: version");
    assert.strictEqual(cells[2], "partial");
    assert.strictEqual(cells[3], "3 (✓2 ✗1)");
    assert.strictEqual(cells[4], "connect_refused ×1");
    assert.deepStrictEqual(await historyDeviceRows(page, first, 3), [
      ["dead-01", "failed", "connect_refused"],
      ["eos-sw-02", "ok", ""],
      ["eos-sw-06", "ok", ""],
    ]);
    await screenshot(page, "history");
    await assertNoSecret(page, traffic);
  });

  it("captures: browse, viewer find next/previous, regex search with highlights, Smart Export preview and JSON/CSV downloads", async () => {
    const { page, pageErrors } = browser.session;
    await openSidebar(page, started.demo.url);
    await showView(page, "captures");
    await page.locator(".vc-sb-captures-table tr[data-capture='version/eos-sw-02']").waitFor();
    assert.deepStrictEqual(await page.locator(".vc-sb-cap-type option").allTextContents(), ["all types", "version"]);
    await page.locator(".vc-sb-cap-device").fill("sw-06");
    await page.waitForFunction(() => document.querySelectorAll(".vc-sb-captures-table tbody tr").length === 1);
    await page.locator(".vc-sb-cap-device").fill("");
    await page.waitForFunction(() => document.querySelectorAll(".vc-sb-captures-table tbody tr").length === 2);

    // Viewer with find.
    await page.locator(".vc-sb-captures-table tr[data-capture='version/eos-sw-02']").click();
    await page.locator(".vc-sb-capture-text").waitFor();
    assert.strictEqual(await page.locator(".vc-sb-viewer-title").textContent(), "version/eos-sw-02");
    const text = (await page.locator(".vc-sb-capture-text").textContent()) ?? "";
    const expected = (text.match(/version/gi) ?? []).length;
    assert.ok(expected >= 3, `the capture says "version" several times (${expected})`);
    await page.locator(".vc-sb-find-input").fill("version");
    assert.strictEqual(await page.locator(".vc-sb-find-count").textContent(), `1 of ${expected}`);
    await page.locator(".vc-sb-find-next").click();
    assert.strictEqual(await page.locator(".vc-sb-find-count").textContent(), `2 of ${expected}`);
    await page.locator(".vc-sb-find-prev").click();
    await page.locator(".vc-sb-find-prev").click();
    assert.strictEqual(await page.locator(".vc-sb-find-count").textContent(), `${expected} of ${expected}`);
    await page.locator(".vc-sb-find-input").press("Enter");
    assert.strictEqual(await page.locator(".vc-sb-find-count").textContent(), "1 of " + expected);
    assert.strictEqual(await page.locator(".vc-sb-capture-text mark").count(), expected);
    assert.strictEqual(await page.locator(".vc-sb-capture-text mark.vc-sb-current").count(), 1);

    // Regex search across captures.
    await page.locator(".vc-sb-search-pattern").fill("Serial number:\\s+\\S+");
    await page.locator(".vc-sb-search-regex").check();
    await page.locator(".vc-sb-search-run").click();
    await page.locator(".vc-sb-search-summary").waitFor();
    assert.match(
      (await page.locator(".vc-sb-search-summary").textContent()) ?? "",
      /^2 match\(es\) in 2 of 2 file\(s\)/,
    );
    const hits = page.locator(".vc-sb-search-hit");
    assert.deepStrictEqual(
      (await hits.locator(".vc-sb-hit-where").allTextContents()).map((w) => w.replace(/:\d+$/, "")).sort(),
      ["version/eos-sw-02", "version/eos-sw-06"],
    );
    for (const m of await hits.locator("mark").allTextContents()) assert.match(m, /^Serial number:\s+\S+$/);
    await hits.filter({ hasText: "eos-sw-06" }).click();
    await page.locator(".vc-sb-viewer-title", { hasText: "version/eos-sw-06" }).waitFor();
    assert.match((await page.locator(".vc-sb-capture-text mark.vc-sb-current").textContent()) ?? "", /^Serial number/);

    // Smart Export: preview, then both downloads.
    await page.locator(".vc-sb-smart-export").click();
    await page.locator(".vc-sb-export-table").waitFor();
    const meta = (await page.locator(".vc-sb-export-meta").textContent()) ?? "";
    const m = /^template (\S+) · score (\d\.\d\d) · (\d+) record\(s\)$/.exec(meta);
    assert.ok(m, `preview line: ${meta}`);
    assert.match(m[1], /arista_eos_show_version/);
    assert.ok(Number(m[2]) > 0, `score ${m[2]}`);
    const headers = await page.locator(".vc-sb-export-table th").allTextContents();
    assert.ok(headers.length > 2, "the record table has the template's fields");
    await screenshot(page, "captures");

    const [jsonDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.locator(".vc-sb-download-json").click(),
    ]);
    assert.strictEqual(jsonDownload.suggestedFilename(), "eos-sw-06_version_parsed.json");
    const json = JSON.parse(fs.readFileSync((await jsonDownload.path())!, "utf8")) as {
      template: string;
      record_count: number;
      fields: string[];
      data: unknown[];
    };
    assert.strictEqual(json.template, m[1]);
    assert.strictEqual(json.record_count, Number(m[3]));
    assert.deepStrictEqual(json.fields, headers);
    const [csvDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.locator(".vc-sb-download-csv").click(),
    ]);
    assert.strictEqual(csvDownload.suggestedFilename(), "eos-sw-06_version_parsed.csv");
    const csvText = fs.readFileSync((await csvDownload.path())!, "utf8");
    assert.strictEqual(csvText.split(/\r?\n/)[0], headers.join(","));
    assert.deepStrictEqual(
      pageErrors.filter((e) => !/favicon|Failed to load resource/.test(e)),
      [],
    );
  });
});
