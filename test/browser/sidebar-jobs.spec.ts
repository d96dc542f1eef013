import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { openVersionStore } from "../../lib/core/changes";
import { CollectorDb } from "../../lib/core/collect";
import { resolveHome } from "../../lib/core/home";
import { Inventory } from "../../lib/core/inventory";
import { runJob, type JobFile, checkJob } from "../../lib/core/jobs";
import { KnownHostsStore } from "../../lib/core/ssh/known-hosts";
import { Vault } from "../../lib/core/vault";
import { recordTwoR9Versions, r9Config } from "../support/capture-fixtures";
import { REPO_ROOT } from "../support/cli";
import { useBrowser } from "../support/browser";
import {
  openSidebar,
  screenshot,
  showView,
  SIDEBAR_DEMO_PASSWORD,
  useSidebarDemo,
  historyDeviceRows,
} from "../support/sidebar-page";

/**
 * The sidebar's Jobs & run view, the Captures Versions/Diff panel, History rows of a run made by
 * the CLI core, and every view under a dark palette, in Chromium on the demo (`npm start`).
 * Screenshots: docs/images/sidebar-jobs.png (a run in progress) and sidebar-diff.png.
 * Needs `npm run build`. The tests run in order on one demo.
 */
const MASTER_PASSWORD = SIDEBAR_DEMO_PASSWORD;
const CONFIG_SECRET = "Diff-Secret-Qq17";

async function progressText(page: Page): Promise<string> {
  return (await page.locator(".vc-sb-job-run .vc-sb-progress-text").textContent()) ?? "";
}

/** Redefines every --red-ui-* colour with its lightness inverted: the editor's palette turned dark. */
async function applyDarkPalette(page: Page): Promise<number> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const names = new Set<string>();
    for (const sheet of Array.from(document.styleSheets)) {
      let rules: CSSRuleList;
      try {
        rules = sheet.cssRules;
      } catch {
        continue;
      }
      for (const rule of Array.from(rules)) {
        const style = (rule as CSSStyleRule).style;
        if (!style) continue;
        for (let i = 0; i < style.length; i++) if (style[i].startsWith("--red-ui-")) names.add(style[i]);
      }
    }
    const probe = document.createElement("span");
    document.body.appendChild(probe);
    const computed = getComputedStyle(root);
    const dark: Array<[string, string]> = [];
    for (const name of names) {
      const value = computed.getPropertyValue(name).trim();
      probe.style.color = "";
      probe.style.color = value;
      if (!value || probe.style.color === "") continue;
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(getComputedStyle(probe).color);
      if (!m) continue;
      const [r, g, b] = [Number(m[1]) / 255, Number(m[2]) / 255, Number(m[3]) / 255];
      const max = Math.max(r, g, b);
      const min = Math.min(r, g, b);
      const l = (max + min) / 2;
      let h = 0;
      let s = 0;
      if (max !== min) {
        const d = max - min;
        s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
        h = max === r ? (g - b) / d + (g < b ? 6 : 0) : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
        h *= 60;
      }
      const alpha = m[4] === undefined ? 1 : Number(m[4]);
      dark.push([name, `hsla(${h.toFixed(1)}, ${(s * 100).toFixed(1)}%, ${((1 - l) * 100).toFixed(1)}%, ${alpha})`]);
    }
    probe.remove();
    for (const [name, value] of dark) root.style.setProperty(name, value);
    return dark.length;
  });
}

/** Text elements of a view whose colour against their effective background has a contrast below 4.5. */
async function lowContrast(page: Page, selector: string): Promise<string[]> {
  // tsx names the helper functions below with __name(): give the page one.
  await page.evaluate("globalThis.__name = globalThis.__name || ((f) => f)");
  return page.evaluate((sel) => {
    const parse = (c: string): [number, number, number, number] | undefined => {
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(c);
      return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : undefined;
    };
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element | null): number[] => {
      // The first opaque background up the tree (translucent ones blended over it).
      const layers: Array<[number, number, number, number]> = [];
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c[3] > 0) {
          layers.push(c);
          if (c[3] >= 1) break;
        }
      }
      let out = [255, 255, 255];
      for (const [r, g, b, a] of layers.reverse())
        out = [r * a + out[0] * (1 - a), g * a + out[1] * (1 - a), b * a + out[2] * (1 - a)];
      return out;
    };
    const bad: string[] = [];
    const root = document.querySelector(sel);
    if (!root) return [`${sel} missing`];
    const all = [root, ...Array.from(root.querySelectorAll("*"))];
    for (const el of all) {
      const html = el as HTMLElement;
      if (html.offsetParent === null && getComputedStyle(html).position !== "fixed") continue;
      const ownText = Array.from(el.childNodes)
        .filter((n) => n.nodeType === 3)
        .map((n) => n.textContent ?? "")
        .join("")
        .trim();
      // Disabled controls are exempt (WCAG 1.4.3: inactive components); radios and checkboxes hold no text.
      if ((html as HTMLButtonElement).disabled) continue;
      const isControl =
        /^(SELECT|TEXTAREA)$/.test(el.tagName) ||
        (el.tagName === "INPUT" && /^(text|search|number|email|url|password)$/.test((html as HTMLInputElement).type));
      if (!ownText && !isControl) continue;
      const style = getComputedStyle(el);
      const fg = parse(style.color);
      if (!fg) continue;
      const bg = background(el);
      const l1 = lum(fg);
      const l2 = lum(bg);
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      if (ratio < 4.5)
        bad.push(
          `${el.tagName.toLowerCase()}.${Array.from(el.classList).join(".")} "${(ownText || (html as HTMLInputElement).value || "").slice(0, 30)}": ${style.color} on rgb(${bg.map(Math.round).join(", ")}) = ${ratio.toFixed(2)}`,
        );
    }
    return bad;
  }, selector);
}

describe("VelocityCollector sidebar: Jobs & run, diff, CLI history, dark theme (demo + chromium)", function () {
  this.timeout(180_000);
  const browser = useBrowser({ viewport: { width: 1500, height: 1000 } });
  const started = useSidebarDemo("vc-sidebar-jobs-browser-");

  it("jobs: lists the demo's jobs and batch, creates a job with the form, runs it with live progress, opens the run in History", async () => {
    const { page, pageErrors } = browser.session;
    await openSidebar(page, started.demo.url);
    await showView(page, "jobs");
    await page.locator(".vc-sb-jobs-table tbody tr[data-job='ios-versions']").waitFor();
    assert.ok(await page.locator(".vc-sb-jobs-table tbody tr[data-job='eos-arp']").isVisible());
    assert.ok(await page.locator(".vc-sb-batches-table tbody tr[data-batch='example-daily']").isVisible());
    const cells = await page.locator("tr[data-job='ios-versions'] td").allTextContents();
    assert.deepStrictEqual(cells.slice(0, 4), ["IOS versions", "version", "show version", "platform=cisco_ios"]);

    await page.locator(".vc-sb-job-new").click();
    await page.locator("#vc-sb-job-f-name").fill("Junos versions");
    await page.locator("#vc-sb-job-f-slug").fill("junos-versions");
    await page.locator("#vc-sb-job-f-capture_type").fill("version");
    await page.locator("#vc-sb-job-f-commands").fill("show version");
    await page.locator("#vc-sb-job-f-devices-platform").fill("juniper_junos");
    await page.locator(".vc-sb-job-save").click();
    await page.locator("#vc-sb-view-jobs .vc-sb-message", { hasText: "Saved junos-versions" }).waitFor();
    await page.locator("tr[data-job='junos-versions']").waitFor();
    assert.ok(fs.existsSync(path.join(started.demo.home, "jobs", "junos-versions.yaml")), "the job file is in jobs/");

    // Keyboard: Tab from the row to its Run button, Enter runs it.
    await page.locator("tr[data-job='junos-versions']").focus();
    for (let i = 0; i < 10; i++) {
      const onRun = await page.evaluate(() =>
        Boolean(document.activeElement?.matches("tr[data-job='junos-versions'] .vc-sb-job-run-btn")),
      );
      if (onRun) break;
      await page.keyboard.press("Tab");
    }
    await page.keyboard.press("Enter");
    await page.locator(".vc-sb-job-run .vc-sb-progress").waitFor();
    await page.locator(".vc-sb-job-run .vc-sb-progress[data-state='done']").waitFor({ timeout: 90_000 });
    assert.match(await progressText(page), /^5\/5 ✓5 ✗0 · done$/);
    await page.locator(".vc-sb-job-run-devices tbody tr").nth(4).waitFor();
    const rows = await page
      .locator(".vc-sb-job-run-devices tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute("data-device"), tr.getAttribute("data-status")]));
    assert.strictEqual(rows.length, 5);
    assert.ok(
      rows.every(([d, s]) => /^junos-/.test(d ?? "") && s === "ok"),
      JSON.stringify(rows),
    );
    // Its last run is shown in the list, and the link opens History on that run.
    await page.locator("tr[data-job='junos-versions'] .vc-sb-job-last .vc-sb-run-success").waitFor();
    await page.locator(".vc-sb-run-history").click();
    await page.locator("#vc-sb-view-history .vc-sb-history-devices tbody tr").nth(4).waitFor();
    assert.match(
      (await page.locator("#vc-sb-view-history .vc-sb-hist-detail h4").textContent()) ?? "",
      /^junos-versions: success$/,
    );
    assert.deepStrictEqual(pageErrors, []);
  });

  it("jobs: a YAML error is shown with its line and field; nothing is saved", async () => {
    const { page } = browser.session;
    await openSidebar(page, started.demo.url);
    await showView(page, "jobs");
    await page.locator("tr[data-job='junos-versions'] .vc-sb-job-edit").click();
    await page.locator(".vc-sb-job-mode-yaml").click();
    const yaml = await page.locator(".vc-sb-job-yaml").inputValue();
    assert.match(yaml, /slug: junos-versions/);
    await page
      .locator(".vc-sb-job-yaml")
      .fill(
        [
          "name: Junos versions",
          "slug: junos-versions",
          "capture_type: version",
          "commands:",
          "  - show version",
          "storage:",
          "  filename: ../../etc/{device_name}.txt",
          "",
        ].join("\n"),
      );
    await page.locator(".vc-sb-job-save").click();
    const error = page.locator(".vc-sb-job-error[data-line='7']");
    await error.waitFor();
    assert.match(
      (await error.textContent()) ?? "",
      /^jobs\/junos-versions\.yaml:7: storage\.filename: .*\(invalid_job\)$/,
    );
    // The faulty line is selected in the text.
    const selected = await page
      .locator(".vc-sb-job-yaml")
      .evaluate((ta: HTMLTextAreaElement) => ta.value.slice(ta.selectionStart, ta.selectionEnd));
    assert.strictEqual(selected, "  filename: ../../etc/{device_name}.txt");
    await page.keyboard.press("Escape");
    await page.locator(".vc-sb-job-form").waitFor({ state: "detached" });
    assert.doesNotMatch(fs.readFileSync(path.join(started.demo.home, "jobs", "junos-versions.yaml"), "utf8"), /etc/);
  });

  it("batches: creates a batch in the YAML editor (it appears in the list); a bad line shows the located error, selected", async () => {
    const { page, pageErrors } = browser.session;
    const errorsBefore = pageErrors.length;
    await openSidebar(page, started.demo.url);
    await showView(page, "jobs");
    await page.locator(".vc-sb-batch-new").click();
    await page.locator("#vc-sb-batch-f-slug").fill("weekly");
    const yaml = page.locator(".vc-sb-batch-form .vc-sb-batch-yaml");
    await yaml.fill(["name: Weekly", "jobs:", "  - ios-versions", "  - no-such-job", "delay_s: 0", ""].join("\n"));
    await page.locator(".vc-sb-batch-save").click();
    const error = page.locator(".vc-sb-batch-error[data-line='4']");
    await error.waitFor();
    assert.match((await error.textContent()) ?? "", /^batches\/weekly\.yaml:4: jobs: unknown job\(s\): no-such-job/);
    const selected = await yaml.evaluate((ta: HTMLTextAreaElement) =>
      ta.value.slice(ta.selectionStart, ta.selectionEnd),
    );
    assert.strictEqual(selected, "  - no-such-job");
    assert.ok(!fs.existsSync(path.join(started.demo.home, "batches", "weekly.yaml")), "nothing saved");

    await yaml.fill(["name: Weekly", "jobs:", "  - ios-versions", "  - eos-arp", "delay_s: 0", ""].join("\n"));
    await page.locator(".vc-sb-batch-save").click();
    await page.locator("#vc-sb-view-jobs .vc-sb-message", { hasText: "Saved weekly" }).waitFor();
    const row = page.locator(".vc-sb-batches-table tbody tr[data-batch='weekly']");
    await row.waitFor();
    assert.deepStrictEqual((await row.locator("td").allTextContents()).slice(0, 2), [
      "Weekly",
      "ios-versions → eos-arp",
    ]);
    assert.ok(fs.existsSync(path.join(started.demo.home, "batches", "weekly.yaml")), "the batch file is in batches/");

    // Edit opens its YAML; delete removes the row and the file.
    await row.locator(".vc-sb-batch-edit").click();
    await page.locator(".vc-sb-batch-form .vc-sb-batch-yaml").waitFor();
    await page.waitForFunction(() =>
      /name: Weekly/.test((document.querySelector(".vc-sb-batch-yaml") as HTMLTextAreaElement | null)?.value ?? ""),
    );
    await page.keyboard.press("Escape");
    await page.locator(".vc-sb-batch-form").waitFor({ state: "detached" });
    await row.locator(".vc-sb-batch-delete").click();
    await page.locator(".vc-sb-batches-box .vc-sb-confirm-yes").click();
    await row.waitFor({ state: "detached" });
    assert.ok(!fs.existsSync(path.join(started.demo.home, "batches", "weekly.yaml")));
    // The refused save's 400 is expected; nothing else.
    assert.deepStrictEqual(
      pageErrors.slice(errorsBefore).filter((e) => !/status of 400/.test(e)),
      [],
    );
  });

  it("jobs: a slow job is cancelled mid-run; History shows it cancelled with fewer devices done", async () => {
    const { page } = browser.session;
    await openSidebar(page, started.demo.url);
    await showView(page, "jobs");
    await page.locator(".vc-sb-job-new").click();
    await page.locator(".vc-sb-job-mode-yaml").click();
    await page
      .locator(".vc-sb-job-yaml")
      .fill(
        [
          "name: Slow IOS",
          "slug: slow-ios",
          "capture_type: slow",
          "commands: [show version, show version, show version]",
          "devices:",
          "  platform: cisco_ios",
          "execution:",
          "  concurrency: 1",
          "  command_delay_s: 1",
          "",
        ].join("\n"),
      );
    await page.locator(".vc-sb-job-save").click();
    await page.locator("tr[data-job='slow-ios'] .vc-sb-job-run-btn").click();
    await page.waitForFunction(
      () => /^[1-9]\/5 /.test(document.querySelector(".vc-sb-job-run .vc-sb-progress-text")?.textContent ?? ""),
      undefined,
      { timeout: 60_000 },
    );
    await page.locator(".vc-sb-job-run-devices tbody tr").first().waitFor();
    await screenshot(page, "jobs");
    await page.locator(".vc-sb-job-run .vc-sb-run-cancel").click();
    await page.locator(".vc-sb-job-run .vc-sb-progress[data-state='cancelled']").waitFor({ timeout: 30_000 });
    const text = await progressText(page);
    const ok = Number(/✓(\d+)/.exec(text)![1]);
    assert.ok(ok < 5, `fewer than 5 devices succeeded: ${text}`);
    assert.match(text, / · cancelled$/);
    await page.locator(".vc-sb-run-history").click();
    await page.locator("#vc-sb-view-history .vc-sb-hist-ended").waitFor();
    assert.match(
      (await page.locator("#vc-sb-view-history .vc-sb-hist-detail h4").textContent()) ?? "",
      /^slow-ios: cancelled$/,
    );
    assert.match((await page.locator(".vc-sb-hist-ended").textContent()) ?? "", /^Cancelled: \d of 5 device/);
    const statuses = await page
      .locator("#vc-sb-view-history .vc-sb-history-devices tbody tr")
      .evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll("td")[2]?.textContent ?? ""));
    assert.ok(statuses.includes("cancelled"), `a device is shown cancelled: ${JSON.stringify(statuses)}`);
  });

  it("history: shows the per-device rows of a run made by the CLI core, not the sidebar", async () => {
    const { page } = browser.session;
    const home = resolveHome(started.demo.home);
    const vault = Vault.open(home.vaultDb);
    vault.unlock(MASTER_PASSWORD);
    const inv = Inventory.open(home.dcimDb, { readonly: true });
    const history = CollectorDb.open(home.collectorDb);
    const src: JobFile = {
      name: "CLI EOS",
      slug: "cli-eos",
      capture_type: "version",
      commands: ["show version"],
      devices: { name: "^(eos-sw-0[26]|cli-dead)$" },
    };
    try {
      const result = await runJob(checkJob(src, "cli-eos.yaml"), {
        devices: [
          ...inv.listDevices(),
          { name: "cli-dead", host: "127.0.0.1", port: 1, platform: "arista_eos", credentialName: "lab-admin" },
        ],
        credentials: vault,
        collections: home.collections,
        history,
        hostKeys: { policy: "tofu", store: new KnownHostsStore(home.knownHosts) },
      });
      assert.strictEqual(result.summary?.total, 3);
    } finally {
      history.close();
      inv.close();
      vault.close();
    }
    await openSidebar(page, started.demo.url);
    await showView(page, "history");
    await page.locator(".vc-sb-hist-refresh").click();
    const first = page.locator(".vc-sb-history-table tbody tr").first();
    await page.waitForFunction(
      () => document.querySelector(".vc-sb-history-table tbody tr td:nth-child(2)")?.textContent === "cli-eos",
    );
    assert.deepStrictEqual(await historyDeviceRows(page, first, 3), [
      ["cli-dead", "failed", "connect_refused"],
      ["eos-sw-02", "ok", ""],
      ["eos-sw-06", "ok", ""],
    ]);
    assert.strictEqual(
      await page
        .locator("#vc-sb-view-history .vc-sb-hist-detail .vc-sb-hint", { hasText: "captures this run saved" })
        .count(),
      0,
    );
  });

  it("captures: Versions/Diff lists a capture's versions and shows the changed line coloured, secrets masked", async () => {
    const { page } = browser.session;
    const home = resolveHome(started.demo.home);
    fs.mkdirSync(path.join(home.collections, "config"), { recursive: true });
    const store = openVersionStore(home.collections, { homeRoot: home.root });
    recordTwoR9Versions(store, CONFIG_SECRET, "3 days");
    // On disk as a redacting collection saves it; the versions above hold the secret, the diff must mask it.
    fs.writeFileSync(
      path.join(home.collections, "config", "r9.txt"),
      r9Config("uplink B", "3 days", CONFIG_SECRET).replace(CONFIG_SECRET, "<redacted>"),
    );
    await openSidebar(page, started.demo.url);
    await showView(page, "captures");
    await page.locator("#vc-sb-view-captures .vc-sb-table-box tbody tr", { hasText: "r9" }).first().click();
    await page.locator(".vc-sb-versions-btn").click();
    await page.locator(".vc-sb-versions-table tbody tr[data-version='1']").waitFor();
    await page.locator(".vc-sb-diff .vc-sb-diff-add").first().waitFor();
    assert.deepStrictEqual(
      await page.locator(".vc-sb-diff .vc-sb-diff-add").allTextContents(),
      [" description uplink B"].map((s) => "+" + s),
    );
    assert.deepStrictEqual(await page.locator(".vc-sb-diff .vc-sb-diff-del").allTextContents(), [
      "- description uplink A",
    ]);
    const [add, del] = await page.evaluate(() =>
      [".vc-sb-diff-add", ".vc-sb-diff-del"].map((s) => getComputedStyle(document.querySelector(s)!).color),
    );
    assert.notStrictEqual(add, del, "added and removed lines have different colours");
    const shown = (await page.locator("#vc-sb-view-captures .vc-sb-versions").textContent()) ?? "";
    assert.ok(!shown.includes(CONFIG_SECRET), "the secret is masked");
    assert.doesNotMatch(shown, /[+-]r9 uptime/, "the volatile uptime line is not a change");
    await page.locator(".vc-sb-diff").scrollIntoViewIfNeeded();
    await screenshot(page, "diff");
  });

  it("dark theme: every view's text is readable (contrast ≥ 4.5) with the editor's palette turned dark; the CSS has no colour of its own", async () => {
    const css = fs.readFileSync(path.join(REPO_ROOT, "resources", "vc-sidebar", "vc-sidebar.css"), "utf8");
    const withoutFallbacks = css.replace(
      /var\(--red-ui-[\w-]+(,\s*var\(--red-ui-[\w-]+(,[^()]*)?\)|,[^()]*)?\)/g,
      "var()",
    );
    assert.doesNotMatch(
      withoutFallbacks,
      /#[0-9a-f]{3,8}\b|rgba?\(|hsla?\(|(?<![\w-])(white|black)(?![\w-])/i,
      "colours only through --red-ui-* variables",
    );

    const { page } = browser.session;
    await openSidebar(page, started.demo.url);
    const redefined = await applyDarkPalette(page);
    assert.ok(redefined > 20, `the editor's colour variables were redefined (${redefined})`);
    const problems: string[] = [];
    for (const view of ["devices", "credentials", "jobs", "history", "captures"]) {
      await showView(page, view);
      const ready: Record<string, string> = {
        devices: "#vc-sb-view-devices .vc-sb-devices-table tbody tr",
        credentials: ".vc-sb-creds-table tbody tr",
        jobs: ".vc-sb-jobs-table tbody tr",
        history: ".vc-sb-history-table tbody tr",
        captures: "#vc-sb-view-captures .vc-sb-table-box tbody tr",
      };
      await page.locator(ready[view]).first().waitFor();
      if (view === "history") {
        await page.locator(".vc-sb-history-table tbody tr").first().click();
        await page.locator(".vc-sb-history-devices tbody tr").first().waitFor();
      }
      if (view === "captures") {
        await page.locator("#vc-sb-view-captures .vc-sb-table-box tbody tr", { hasText: "r9" }).first().click();
        await page.locator(".vc-sb-versions-btn").click();
        await page.locator(".vc-sb-diff .vc-sb-diff-add").first().waitFor();
      }
      for (const p of await lowContrast(page, `#vc-sb-view-${view}`)) problems.push(`${view}: ${p}`);
    }
    for (const p of await lowContrast(page, "#vc-sb-status")) problems.push(`status: ${p}`);
    assert.deepStrictEqual(problems, []);
  });
});
