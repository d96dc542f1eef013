/**
 * Retakes the README's screenshot (docs/images/demo-flow.png) from the real demo: `npm start`'s
 * four tabs, "Collect and parse" run once, the last parsed record expanded in the debug sidebar.
 * Run: npm run build && node --require tsx/cjs test/support/demo-screenshot.ts
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { launchBrowser } from "./browser";
import { REPO_ROOT } from "./cli";
import { startDemoProcess } from "./demo";
import { NodeRedEditor } from "./editor-browser";

async function main() {
  const dir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "vc-shot-"));
  const demo = await startDemoProcess(dir);
  const browser = await launchBrowser({ viewport: { width: 1600, height: 900 } });
  try {
    const page = browser.page;
    const editor = new NodeRedEditor(page);
    await editor.open(demo.url, "vc-collect");
    await editor.showTab("Collect and parse");
    await editor.showSidebar("debug");
    await editor.pressInject(editor.canvasNode("collect now"));
    await editor.waitForStatus(editor.canvasNode("collect"), /^20\/20 /, 120_000);
    await editor.waitForStatus(editor.canvasNode("parse"), /ok/, 60_000);
    await page.waitForFunction(
      () => document.querySelectorAll("#red-ui-sidebar .red-ui-debug-msg").length >= 21,
      undefined,
      { timeout: 60_000 },
    );
    const last = editor.debugMessages("parsed records").last();
    await editor.expandDebugMessage(last, ["0", "records", "0"]);
    await last.scrollIntoViewIfNeeded();
    await page.locator("#red-ui-workspace-chart").click({ position: { x: 900, y: 500 } });
    await page.screenshot({ path: path.join(REPO_ROOT, "docs", "images", "demo-flow.png") });
    console.log("ok");
  } finally {
    await browser.close();
    await demo.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
