import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { saveScreenshot, useBrowser, type BrowserSession } from "../support/browser";
import { useLab } from "../support/lab";
import { startNodeRed, type NodeRedProcess } from "../support/nodered-process";
import { makeTmpDir } from "../support/tmp";
import { makeVault, type TestVault } from "../support/vault";

const LAB_PASSWORD = "lab-Secret-93x-right";
const WRONG_PASSWORD = "not-the-Password-41x";
const TESTING = "testing…";

/** Waits until a result span shows something other than "" / "testing…" and returns it. */
async function resultOf(page: Page, selector: string): Promise<string> {
  await page.waitForFunction(
    ([sel, testing]) => {
      const text = document.querySelector(sel)?.textContent ?? "";
      return text !== "" && text !== testing;
    },
    [selector, TESTING] as const,
    { timeout: 40_000 },
  );
  return (await page.locator(selector).textContent()) ?? "";
}

/** Every request body the page sent and every vc-* admin response it got, for the secret check. */
function recordTraffic(session: BrowserSession): { texts: string[]; pending: Array<Promise<void>> } {
  const texts: string[] = [];
  const pending: Array<Promise<void>> = [];
  session.page.on("request", (r) => {
    const body = r.postData();
    if (body) texts.push(body);
  });
  session.page.on("response", (r) => {
    if (!/\/vc-/.test(r.url())) return;
    pending.push(
      r.text().then(
        (t) => {
          texts.push(t);
        },
        () => undefined,
      ),
    );
  });
  return { texts, pending };
}

/** Once the recorded responses are in: no secret in the page nor in any request or vc admin response, no page error of ours. */
async function assertNoSecretNorError(
  page: Page,
  traffic: ReturnType<typeof recordTraffic>,
  pageErrors: string[],
  secrets: string[],
): Promise<void> {
  await Promise.all(traffic.pending);
  const html = await page.content();
  for (const secret of secrets) {
    assert.ok(!html.includes(secret), "no secret in the page");
    assert.ok(!traffic.texts.some((t) => t.includes(secret)), "no secret in any request or vc admin response");
  }
  assert.deepStrictEqual(
    pageErrors.filter((e) => /vc-|vault|credential/i.test(e)),
    [],
  );
}

async function openEditor(page: Page, red: NodeRedProcess): Promise<void> {
  await page.goto(red.url);
  await page.waitForFunction(
    () => {
      const RED = (window as unknown as { RED?: { nodes?: { node(id: string): unknown } } }).RED;
      return !!RED?.nodes?.node("ds1") && !!RED.nodes.node("vault1");
    },
    undefined,
    { timeout: 60_000 },
  );
}

describe("test-credential buttons in the Node-RED editor (real Node-RED + chromium)", function () {
  this.timeout(120_000);
  const labHolder = useLab({
    devices: [{ name: "r1", platform: "cisco_ios", password: LAB_PASSWORD }],
    seed: "credential-buttons",
  });
  const browser = useBrowser({ viewport: { width: 1400, height: 1000 } });
  let tmp = "";
  let vault: TestVault;
  let red: NodeRedProcess | undefined;

  before(async function () {
    this.timeout(120_000);
    tmp = makeTmpDir("vc-browser-creds-");
    const home = path.join(tmp, "home");
    fs.mkdirSync(home, { recursive: true });
    vault = makeVault(tmp, [
      { name: "lab-admin", username: "admin", password: LAB_PASSWORD },
      { name: "wrong", username: "admin", password: WRONG_PASSWORD },
    ]);
    // The master password reaches the runtime only as the vault node's credential.
    red = await startNodeRed({
      userDir: path.join(tmp, "userdir"),
      env: { VCOLLECTOR_HOME: home, VCOLLECTOR_VAULT_PASS: undefined },
    });
    const dev = labHolder.lab.devices[0];
    await red.deploy([
      { id: "tab1", type: "tab", label: "credential tests" },
      {
        id: "vault1",
        type: "vc-vault-config",
        name: "test vault",
        vaultFile: vault.file,
        home: "",
        credentials: { masterPassword: vault.password },
      },
      {
        id: "ds1",
        type: "vc-device-source",
        z: "tab1",
        name: "lab devices",
        source: "inline",
        output: "all",
        x: 200,
        y: 100,
        wires: [[]],
        path: "",
        netboxUrl: "",
        netboxTimeout: "15",
        platformMap: "",
        site: "",
        role: "",
        platform: "",
        manufacturer: "",
        deviceStatus: "",
        nameRegex: "",
        tag: "",
        credentialStatus: "",
        limit: "",
        inline: JSON.stringify([
          { name: "other", host: "127.0.0.1", port: 1, platform: "arista_eos" },
          { name: dev.name, host: dev.host, port: dev.port, platform: dev.platform },
        ]),
      },
      {
        id: "collect1",
        type: "vc-collect",
        z: "tab1",
        name: "collect",
        vault: "vault1",
        commands: "show version",
        captureType: "version",
        credential: "",
        discovery: false,
        concurrency: 20,
        connectTimeout: 10,
        commandTimeout: 60,
        deviceTimeout: 300,
        delay: 0,
        jitter: 0.25,
        retries: 2,
        hostKeyPolicy: "tofu",
        save: false,
        keepHistory: false,
        history: false,
        rememberCredentials: false,
        outputDir: "",
        home: "",
        x: 400,
        y: 100,
        wires: [[], []],
      },
    ]);
  });

  after(async () => {
    await red?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed" && red) console.log(red.output().slice(-3000));
  });

  it("vault dialog: the per-credential test says ok for the right credential and auth_failed for a wrong one, sending no secret", async () => {
    const { page, pageErrors } = browser.session;
    const traffic = recordTraffic(browser.session);
    const dev = labHolder.lab.devices[0];
    await openEditor(page, red!);

    await page.evaluate(() =>
      (window as unknown as { RED: { sidebar: { show(id: string): void } } }).RED.sidebar.show("config"),
    );
    await page.locator(".red-ui-palette-node-config", { hasText: "test vault" }).dblclick();
    const rows = page.locator("#vc-vault-list tbody tr");
    await page.waitForFunction(() => document.querySelectorAll("#vc-vault-list tbody tr").length === 2, undefined, {
      timeout: 20_000,
    });
    assert.deepStrictEqual(await rows.locator("td:first-child").allTextContents(), ["lab-admin", "wrong"]);
    assert.ok(await page.locator("#vc-vault-test").isHidden(), "the test form opens on demand");

    await rows.filter({ hasText: "lab-admin" }).locator(".vc-vault-test-open").click();
    assert.strictEqual(await page.locator("#vc-vault-test-title").textContent(), "Test credential lab-admin");
    await page.locator("#vc-vault-test-host").fill(dev.host);
    await page.locator("#vc-vault-test-port").fill(String(dev.port));
    await page.locator("#vc-vault-test-platform").fill(dev.platform);
    await page.locator("#vc-vault-test-run").click();
    assert.match(await resultOf(page, "#vc-vault-test-result"), /^ok \(\d+ ms\)$/);

    await rows.filter({ hasText: "wrong" }).locator(".vc-vault-test-open").click();
    assert.strictEqual(await page.locator("#vc-vault-test-title").textContent(), "Test credential wrong");
    assert.strictEqual(
      await page.locator("#vc-vault-test-result").textContent(),
      "",
      "a new test starts with no result",
    );
    assert.strictEqual(await page.locator("#vc-vault-test-host").inputValue(), dev.host, "the device stays filled in");
    await page.locator("#vc-vault-test-run").click();
    assert.strictEqual(await resultOf(page, "#vc-vault-test-result"), "failed: auth_failed");

    // A device that refuses: the error class, not a hang.
    await page.locator("#vc-vault-test-port").fill("1");
    await page.locator("#vc-vault-test-host").fill("127.0.0.1");
    await page.locator("#vc-vault-test-run").click();
    assert.strictEqual(await resultOf(page, "#vc-vault-test-result"), "failed: connect_refused");

    await saveScreenshot(page, "credential-buttons-vault");
    await assertNoSecretNorError(page, traffic, pageErrors, [LAB_PASSWORD, WRONG_PASSWORD, vault.password]);
    assert.ok(
      traffic.texts.some((t) => t.includes('"credential":"wrong"')),
      "the test request names the credential",
    );
  });

  it("device-source dialog: tests a device picked from the inline list or typed, with a chosen vault and credential", async () => {
    const { page, pageErrors } = browser.session;
    const traffic = recordTraffic(browser.session);
    const dev = labHolder.lab.devices[0];
    await openEditor(page, red!);

    const nodeShape = page.locator("g.red-ui-flow-node-group#ds1");
    const valid = await page.evaluate(
      () =>
        (window as unknown as { RED: { nodes: { node(id: string): { valid: boolean } } } }).RED.nodes.node("ds1").valid,
    );
    assert.strictEqual(valid, true, "the deployed node is valid in the editor");
    await nodeShape.locator(".red-ui-flow-node").dblclick();
    await page.locator("#node-input-source").waitFor();
    assert.strictEqual(await page.locator("#node-input-source").inputValue(), "inline");
    assert.ok(await page.locator("#vc-ds-test-button").isVisible(), "the test is offered for an inline list");
    assert.deepStrictEqual(await page.locator("#vc-ds-test-device option").allTextContents(), [
      "— typed below —",
      "other",
      "r1",
    ]);
    assert.deepStrictEqual(await page.locator("#vc-ds-test-vault option").allTextContents(), ["test vault"]);
    await page.locator('#vc-ds-test-credential option[value="wrong"]').waitFor({ state: "attached" });

    await page.locator("#vc-ds-test-device").selectOption({ label: "r1" });
    assert.strictEqual(await page.locator("#vc-ds-test-host").inputValue(), dev.host);
    assert.strictEqual(await page.locator("#vc-ds-test-port").inputValue(), String(dev.port));
    assert.strictEqual(await page.locator("#vc-ds-test-platform").inputValue(), dev.platform);

    await page.locator("#vc-ds-test-credential").selectOption("lab-admin");
    await page.locator("#vc-ds-test-button").click();
    assert.match(await resultOf(page, "#vc-ds-test-result"), /^ok \(\d+ ms\)$/);

    await page.locator("#vc-ds-test-credential").selectOption("wrong");
    await page.locator("#vc-ds-test-button").click();
    assert.strictEqual(await resultOf(page, "#vc-ds-test-result"), "failed: auth_failed");

    // SQLite inventory: no list to pick from, the device is typed.
    await page.locator("#node-input-source").selectOption("sqlite");
    assert.ok(await page.locator("#vc-ds-test-button").isVisible(), "the test is offered for the SQLite inventory");
    assert.deepStrictEqual(await page.locator("#vc-ds-test-device option").allTextContents(), ["— typed below —"]);
    await page.locator("#vc-ds-test-host").fill(dev.host);
    await page.locator("#vc-ds-test-port").fill(String(dev.port));
    await page.locator("#vc-ds-test-platform").fill(dev.platform);
    await page.locator("#vc-ds-test-credential").selectOption("lab-admin");
    await page.locator("#vc-ds-test-button").click();
    assert.match(await resultOf(page, "#vc-ds-test-result"), /^ok \(\d+ ms\)$/);
    await saveScreenshot(page, "credential-buttons-device-source");

    await page.locator("#node-input-source").selectOption("csv");
    assert.ok(await page.locator("#vc-ds-test-button").isHidden(), "no test for sources without a device list here");

    await assertNoSecretNorError(page, traffic, pageErrors, [LAB_PASSWORD, WRONG_PASSWORD, vault.password]);
  });

  it("collect dialog: tests a typed device with a credential of the node's vault", async () => {
    const { page, pageErrors } = browser.session;
    const traffic = recordTraffic(browser.session);
    const dev = labHolder.lab.devices[0];
    await openEditor(page, red!);

    await page.locator("g.red-ui-flow-node-group#collect1 .red-ui-flow-node").dblclick();
    await page.locator("#vc-collect-test-credential").waitFor();
    await page.locator('#vc-collect-test-credential option[value="wrong"]').waitFor({ state: "attached" });
    assert.deepStrictEqual(await page.locator("#vc-collect-test-credential option").allTextContents(), [
      "lab-admin (admin)",
      "wrong (admin)",
    ]);
    await page.locator("#vc-collect-test-host").fill(dev.host);
    await page.locator("#vc-collect-test-port").fill(String(dev.port));
    await page.locator("#vc-collect-test-platform").fill(dev.platform);

    await page.locator("#vc-collect-test-credential").selectOption("lab-admin");
    await page.locator("#vc-collect-test-button").click();
    assert.match(await resultOf(page, "#vc-collect-test-result"), /^login ok \(\d+ ms\)$/);
    await page.locator("#vc-collect-test-credential").selectOption("wrong");
    await page.locator("#vc-collect-test-button").click();
    assert.strictEqual(await resultOf(page, "#vc-collect-test-result"), "login failed: auth_failed");

    await assertNoSecretNorError(page, traffic, pageErrors, [LAB_PASSWORD, WRONG_PASSWORD, vault.password]);
  });
});
