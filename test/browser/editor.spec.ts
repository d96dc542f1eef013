import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Locator } from "playwright-core";
import { REPO_ROOT } from "../support/cli";
import { saveScreenshot, useBrowser } from "../support/browser";
import { exampleTitles, startDemoProcess, type RunningDemo } from "../support/demo";
import { NodeRedEditor } from "../support/editor-browser";
import { makeTmpDir } from "../support/tmp";

/**
 * The Node-RED editor with this pack, in Debian's chromium: the demo (npm start) with an empty
 * workspace, driven like a user would. Screenshots go to test-output/; with
 * VC_UPDATE_DOCS_SCREENSHOT=1 the demo flow's screenshot also replaces docs/images/demo-flow.png.
 */
const PACKAGE = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  name: string;
  "node-red": { nodes: Record<string, string> };
};
const VC_TYPES = Object.keys(PACKAGE["node-red"].nodes);
const FLOW_NODE_TYPES = VC_TYPES.filter((t) => t !== "vc-vault-config");
/** The label the palette and the help show for a node type (its editor's paletteLabel). */
function paletteLabel(type: string): string {
  const html = fs.readFileSync(path.join(REPO_ROOT, "nodes", type, `${type}.html`), "utf8");
  return /paletteLabel:\s*["']([^"']+)["']/.exec(html)?.[1] ?? type;
}
/** Top-level sections of the pack's en-US message catalogs: a visible "collect.label.x" is an untranslated key. */
const CATALOG_SECTIONS = [
  "node-red",
  ...VC_TYPES.flatMap((t) =>
    Object.keys(
      JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "nodes", t, "locales", "en-US", `${t}.json`), "utf8")) as object,
    ),
  ),
];
const DOCS_SCREENSHOT = path.join(REPO_ROOT, "docs", "images", "demo-flow.png");

describe("the Node-RED editor with the pack, in chromium", function () {
  this.timeout(180_000);
  let dir: string;
  let demo: RunningDemo | undefined;
  before(async function () {
    this.timeout(150_000);
    dir = makeTmpDir("vc-editor-");
    demo = await startDemoProcess(dir, { args: ["--no-flows"] });
  });
  after(async () => {
    await demo?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed" && browser.session) {
      const name = `editor-failed-${(this.currentTest.title.match(/\w+/g) ?? ["test"]).slice(0, 4).join("-")}`;
      return saveScreenshot(browser.session.page, name).then((file) =>
        console.log(`screenshot: ${file}\n${demo?.started.output().split("\n").slice(-30).join("\n")}`),
      );
    }
  });
  // After the hook above, so a failed test's screenshot is taken before the browser closes.
  const browser = useBrowser({ viewport: { width: 1600, height: 900 } });

  /** Requests that left 127.0.0.1 (the demo is offline: no catalogue, no fonts, no telemetry). */
  const externalRequests = () =>
    browser.session.requests.filter((u) => !/^(https?|wss?):\/\/127\.0\.0\.1[:/]/.test(u) && !u.startsWith("data:"));

  it("finds the vc nodes in the palette (with their icons) and filters them", async () => {
    const editor = new NodeRedEditor(browser.session.page);
    await editor.open(demo!.url, "vc-collect");
    for (const type of VC_TYPES.filter((t) => t !== "vc-vault-config")) {
      const item = editor.paletteNode(type);
      await item.waitFor();
      const icon = await item.locator(".red-ui-palette-icon").evaluate((e) => getComputedStyle(e).backgroundImage);
      assert.match(icon, new RegExp(`icons/${PACKAGE.name}/${type}\\.svg`), `${type} icon`);
      const res = await fetch(new URL(`icons/${PACKAGE.name}/${type}.svg`, demo!.url));
      assert.strictEqual(res.status, 200, `${type}.svg is served`);
    }
    assert.strictEqual(await editor.paletteNode("vc-vault-config").count(), 0, "config nodes are not in the palette");
    assert.deepStrictEqual(
      await browser.session.page.locator("#red-ui-palette-container-network .red-ui-palette-node").evaluateAll((els) =>
        els
          .map((e) => e.getAttribute("data-palette-type"))
          .filter((t) => t?.startsWith("vc-"))
          .sort(),
      ),
      [...FLOW_NODE_TYPES].sort(),
      "every vc node sits in the network category",
    );
    await saveScreenshot(browser.session.page, "editor-palette");

    await editor.filterPalette("collect");
    await editor.paletteNode("inject").waitFor({ state: "hidden" });
    assert.ok(await editor.paletteNode("vc-collect").isVisible());
    await editor.clearPaletteFilter();
    await editor.paletteNode("inject").waitFor();
    assert.deepStrictEqual(browser.session.pageErrors, []);
    assert.deepStrictEqual(externalRequests(), []);
  });

  it("opens vc-collect's dialog: its fields, translated labels, the vault picker and the help", async () => {
    const editor = new NodeRedEditor(browser.session.page);
    const page = browser.session.page;
    await editor.open(demo!.url, "vc-collect");
    await editor.dragToCanvas("vc-collect", 300, 200);
    const node = editor.canvasNode("collect");
    await node.waitFor();
    const tray = await editor.openDialog(node);
    for (const id of [
      "name",
      "vault",
      "commands",
      "captureType",
      "credential",
      "concurrency",
      "connectTimeout",
      "commandTimeout",
      "deviceTimeout",
      "maxOutputMiB",
      "hostKeyPolicy",
      "save",
      "outputDir",
      "home",
    ]) {
      assert.strictEqual(await tray.locator(`#node-input-${id}`).count(), 1, `field ${id}`);
    }
    const labels = (
      await tray.locator(".red-ui-tray-body label, .red-ui-tray-body span, .red-ui-tray-body b").allTextContents()
    )
      .map((t) => t.trim())
      .filter(Boolean);
    assert.ok(labels.includes("Commands") && labels.includes("Capture type"), labels.join(" | "));
    assert.deepStrictEqual(
      labels.filter((t) => /^(collect|node-red)\.[\w.]+$/.test(t)),
      [],
      "untranslated message keys",
    );
    assert.strictEqual(await tray.locator("#node-input-concurrency").inputValue(), "20");
    const vaultChoices = await tray.locator("select#node-input-vault option").allTextContents();
    assert.ok(
      vaultChoices.some((t) => /^Add new vault/.test(t)),
      vaultChoices.join(" | "),
    );
    // The output cap: empty (the default) or a positive number of MiB up to 4096.
    const cap = tray.locator("#node-input-maxOutputMiB");
    assert.strictEqual(await cap.inputValue(), "");
    for (const [value, invalid] of [
      ["0", true],
      ["-2", true],
      ["5000", true],
      ["abc", true],
      ["16", false],
      ["", false],
    ] as const) {
      await cap.fill(value);
      await cap.blur();
      await page.waitForFunction(
        ([sel, want]) => document.querySelector(sel)!.classList.contains("input-error") === want,
        ["#node-input-maxOutputMiB", invalid] as const,
      );
    }
    await tray.locator("#node-input-commands").fill("show version\nshow ip arp");
    await saveScreenshot(page, "vc-collect-dialog");

    await editor.showSidebar("help");
    const help = page.locator(".red-ui-help");
    await help.locator("h3", { hasText: "Inputs" }).first().waitFor();
    const headings = await help.locator("h3").allTextContents();
    for (const h of ["Inputs", "Outputs", "Details"])
      assert.ok(headings.includes(h), `help headings: ${headings.join(", ")}`);
    await editor.cancelDialog();
    assert.deepStrictEqual(browser.session.pageErrors, []);
  });

  it("opens every vc node's dialog, and the vault's, with every label and placeholder translated", async () => {
    const editor = new NodeRedEditor(browser.session.page);
    const page = browser.session.page;
    const failed: string[] = [];
    page.on("response", (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });
    await editor.open(demo!.url, "vc-collect");
    const untranslated = async (tray: Locator): Promise<string[]> => {
      const texts = await tray
        .locator(".red-ui-tray-body")
        .evaluate((body) => [
          ...Array.from(body.querySelectorAll("label, span, b, h4, option, .form-tips")).map((e) =>
            (e.textContent ?? "").trim(),
          ),
          ...Array.from(body.querySelectorAll("[placeholder]")).map((e) => e.getAttribute("placeholder") ?? ""),
        ]);
      return texts.filter((t) => CATALOG_SECTIONS.some((ns) => t.startsWith(`${ns}.`)));
    };
    let y = 100;
    for (const type of FLOW_NODE_TYPES) {
      await editor.dragToCanvas(type, 300, y);
      y += 60;
      const tray = await editor.openDialog(await editor.selectedNode());
      assert.deepStrictEqual(await untranslated(tray), [], `${type}: untranslated message keys`);
      if (type === "vc-collect") {
        await page.locator("#node-input-btn-vault-add, #node-input-lookup-vault").first().click();
        const vaultTray = page.locator(".red-ui-tray").last();
        await vaultTray.locator("#node-config-input-vaultFile").waitFor();
        assert.deepStrictEqual(await untranslated(vaultTray), [], "vc-vault-config: untranslated message keys");
        // A vault node that is not deployed yet cannot list credentials: the dialog says so (the runtime answers 404).
        await vaultTray.locator("#vc-vault-status", { hasText: "deploy it first" }).waitFor();
        await saveScreenshot(page, "vc-vault-config-dialog");
        await page.locator("#node-config-dialog-cancel").click();
        await vaultTray.locator("#node-config-input-vaultFile").waitFor({ state: "detached" });
      }
      await editor.cancelDialog();
    }
    const notDeployed = /^404 GET .*\/vc-vault-config\/[0-9a-f]+\/credentials$/;
    assert.deepStrictEqual(
      failed.filter((f) => !notDeployed.test(f)),
      [],
    );
    assert.deepStrictEqual(
      browser.session.pageErrors.filter((e) => !(failed.length > 0 && /status of 404/.test(e))),
      [],
    );
  });

  it("shows help in Node-RED's style for every vc node (summary, inputs, outputs, details)", async () => {
    const editor = new NodeRedEditor(browser.session.page);
    const page = browser.session.page;
    await editor.open(demo!.url, "vc-collect");
    await editor.showSidebar("help");
    await page.locator("#red-ui-sidebar .red-ui-treeList-label", { hasText: PACKAGE.name }).first().click();
    const panel = page.locator(".red-ui-panel > .red-ui-help");
    for (const type of FLOW_NODE_TYPES) {
      const label = paletteLabel(type);
      await page
        .locator("#red-ui-sidebar .red-ui-treeList-label", { hasText: new RegExp(`^${label}$`) })
        .first()
        .click();
      await panel.locator("h1.red-ui-help-title", { hasText: new RegExp(`^${label}$`) }).waitFor();
      const summary = (await panel.locator(".red-ui-help p").first().innerText()).trim();
      assert.ok(
        summary.length > 30 && !/not implemented/i.test(summary),
        `${type}: first paragraph is the summary: '${summary}'`,
      );
      const headings = (await panel.locator("h3").allTextContents()).map((h) => h.trim());
      for (const h of ["Inputs", "Outputs", "Details"])
        assert.ok(headings.includes(h), `${type}: help headings ${headings.join(", ")}`);
      assert.ok(
        (await panel.locator("dl.message-properties").count()) >= 2,
        `${type}: message properties of inputs and outputs`,
      );
      assert.strictEqual(await panel.locator("ol.node-ports").count(), 1, `${type}: one list of output ports`);
    }
    assert.deepStrictEqual(browser.session.pageErrors, []);
  });

  it("imports Collect and parse from Import > Examples, deploys it, runs it: the device status reaches done and the debug sidebar shows parsed records", async () => {
    const editor = new NodeRedEditor(browser.session.page);
    const page = browser.session.page;
    await editor.open(demo!.url, "vc-collect");
    assert.deepStrictEqual(await editor.listExamples(PACKAGE.name, "flows"), exampleTitles());

    await editor.importExample(PACKAGE.name, "flows", "Collect and parse");
    await editor.showTab("Collect and parse");
    for (const label of ["collect now", "devices", "collect", "parse", "export JSON", "parsed records", "run summary"])
      await editor.canvasNode(label).waitFor();
    await editor.deploy();
    await editor.showSidebar("debug");
    await editor.pressInject(editor.canvasNode("collect now"));

    const collect = editor.canvasNode("collect");
    assert.strictEqual(await editor.waitForStatus(collect, /^20\/20 /), "20/20 ✓20 ✗0");
    assert.strictEqual(
      await collect.locator("rect.red-ui-flow-node-status").getAttribute("class"),
      "red-ui-flow-node-status red-ui-flow-node-status-dot-green",
    );
    assert.strictEqual(await editor.waitForStatus(editor.canvasNode("devices"), /devices$/), "20 devices");
    assert.match(await editor.waitForStatus(editor.canvasNode("parse"), /ok/), /^2\/2 ok, \d+ records$/);

    const messages = editor.debugMessages("parsed records");
    await page.waitForFunction(
      () => document.querySelectorAll("#red-ui-sidebar .red-ui-debug-msg").length >= 21,
      undefined,
      { timeout: 60_000 },
    );
    assert.strictEqual(await messages.count(), 20);
    const last = messages.last();
    assert.match(
      (await last.locator(".red-ui-debug-msg-topic").textContent()) ?? "",
      /^\S+ : msg\.payload\.parsed : array\[2\]$/,
    );
    await editor.expandDebugMessage(last, ["0", "records", "0"]);
    const expanded = await last.innerText();
    assert.match(expanded, /command: "show version"/);
    assert.match(expanded, /status: "ok"/);
    assert.match(expanded, /templates: array\[1\]/);
    assert.match(expanded, /records: array\[1\]/);
    assert.match(expanded, /\n(uptime|junos_version): "[^"]+"/, "the fields of a parsed show version record");
    const summary = editor.debugMessages("run summary");
    await summary.first().locator(".red-ui-debug-msg-object-handle").first().click();
    assert.match((await summary.first().innerText()).replace(/\s+/g, " "), /status: "success"/);
    await summary.first().locator(".red-ui-debug-msg-object-handle").first().click();
    await last.scrollIntoViewIfNeeded();

    await page.locator("#red-ui-workspace-chart").click({ position: { x: 900, y: 500 } });
    const shot = await saveScreenshot(page, "demo-flow");
    assert.ok(fs.statSync(shot).size > 20_000);
    if (process.env.VC_UPDATE_DOCS_SCREENSHOT === "1") {
      fs.mkdirSync(path.dirname(DOCS_SCREENSHOT), { recursive: true });
      await page.screenshot({ path: DOCS_SCREENSHOT });
    }
    assert.deepStrictEqual(browser.session.pageErrors, []);
    assert.deepStrictEqual(externalRequests(), []);
  });
});
