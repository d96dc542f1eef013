import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { REPO_ROOT } from "./cli";

/**
 * The shared launcher for browser tests: Debian's chromium (installed by
 * scripts/ensure-system-packages.sh) driven by playwright-core, headless, with a fresh profile
 * per session that is removed on close. Options that stop Chromium from calling home keep the
 * tests offline.
 */
export const CHROMIUM_PATH = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** Screenshots go here (git-ignored). */
export const TEST_OUTPUT_DIR = path.join(REPO_ROOT, "test-output");

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  pageErrors: string[];
  /** Every URL the page requested. */
  requests: string[];
  close(): Promise<void>;
}

export async function launchBrowser(
  opts: { viewport?: { width: number; height: number } } = {},
): Promise<BrowserSession> {
  if (!fs.existsSync(CHROMIUM_PATH))
    throw new Error(
      `${CHROMIUM_PATH} is missing: install the Debian package chromium (scripts/ensure-system-packages.sh does)`,
    );
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "vc-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: opts.viewport ?? { width: 1280, height: 800 },
    });
  } catch (err) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") pageErrors.push(m.text());
  });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("request", (r) => requests.push(r.url()));
  return {
    context,
    page,
    pageErrors,
    requests,
    close: async () => {
      try {
        await context.close();
      } finally {
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

/** A session per test (inside a describe block), closed afterwards even when the test fails. */
export function useBrowser(opts?: Parameters<typeof launchBrowser>[0]): { readonly session: BrowserSession } {
  const holder: { session: BrowserSession } = { session: undefined as unknown as BrowserSession };
  beforeEach(async () => {
    holder.session = await launchBrowser(opts);
  });
  afterEach(async () => {
    if (holder.session) await holder.session.close();
  });
  return holder;
}

/** Saves a full-page screenshot as test-output/<name>.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(TEST_OUTPUT_DIR, { recursive: true });
  const file = path.join(TEST_OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
