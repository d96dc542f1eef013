import * as fs from "node:fs";
import * as path from "node:path";
import type { Locator, Page } from "playwright-core";
import { REPO_ROOT } from "./cli";
import { startDemoProcess, type RunningDemo } from "./demo";
import { makeTmpDir } from "./tmp";

/** Page helpers of the sidebar's browser specs (test/browser/sidebar*.spec.ts). */
export const SIDEBAR_IMAGES = path.join(REPO_ROOT, "docs", "images");

export type RedWindow = { RED: { sidebar: { show(id: string): void } } };

/** Opens the editor at `url` with the VelocityCollector tab shown, 640 px wide, its vault state known. */
export async function openSidebar(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator("#red-ui-palette .red-ui-palette-node").first().waitFor();
  // The editor may still switch to its default tab while it finishes loading: show ours until it stays.
  await page.waitForFunction(
    () => {
      const root = document.getElementById("vc-sidebar-root");
      if (root && root.offsetParent !== null) return true;
      (window as unknown as RedWindow).RED.sidebar.show("vc-sidebar");
      return false;
    },
    undefined,
    { polling: 250, timeout: 30_000 },
  );
  // A wider sidebar, as a user would drag it for a table (what the separator's drag handler sets).
  await page.evaluate((width) => {
    const $ = (window as unknown as { $: (s: string) => { width(w: number): void; css(k: string, v: number): void } })
      .$;
    $("#red-ui-sidebar").width(width);
    $("#red-ui-workspace").css("right", width + 8);
    $("#red-ui-editor-stack").css("right", width + 9);
  }, 640);
  await page.locator("#vc-sb-status[data-vault]").waitFor();
}

export async function showView(page: Page, id: string): Promise<void> {
  await page.locator(`#vc-sb-tab-${id}`).click();
  await page.locator(`#vc-sb-view-${id}`).waitFor();
}

/** Opens a History row and waits for `count` device rows; gives each one's device, status and error class, sorted. */
export async function historyDeviceRows(page: Page, run: Locator, count: number): Promise<string[][]> {
  await run.click();
  await page
    .locator(".vc-sb-history-devices tbody tr")
    .nth(count - 1)
    .waitFor();
  const rows = await page
    .locator(".vc-sb-history-devices tbody tr")
    .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => td.textContent ?? "")));
  return rows.map((r) => [r[0], r[1], r[2]]).sort();
}

/** docs/images/sidebar-<name>.png: the sidebar as the user sees it. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SIDEBAR_IMAGES, { recursive: true });
  await page.locator("#red-ui-sidebar").screenshot({ path: path.join(SIDEBAR_IMAGES, `sidebar-${name}.png`) });
}

/** The demo's vault password in the sidebar specs (no page, request or frame may carry it). */
export const SIDEBAR_DEMO_PASSWORD = "demo-Master-Pass-4k2";

/**
 * The demo (`npm start`) in a temp folder for a describe block of sidebar browser tests: started
 * in before(), stopped and removed in after(); its output printed when a test fails.
 */
export function useSidebarDemo(tmpPrefix: string): { readonly demo: RunningDemo } {
  const holder = { demo: undefined as unknown as RunningDemo };
  let tmp = "";
  before(async function () {
    this.timeout(180_000);
    tmp = makeTmpDir(tmpPrefix);
    holder.demo = await startDemoProcess(path.join(tmp, "demo"), {
      env: { VC_DEMO_VAULT_PASS: SIDEBAR_DEMO_PASSWORD },
    });
  });
  after(async () => {
    await holder.demo?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed" && holder.demo) console.log(holder.demo.started.output().slice(-4000));
  });
  return holder;
}
