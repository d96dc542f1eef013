import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { buildCoverage, coverageHtml } from "../../lib/core/coverage";
import { writeFileAtomic } from "../../lib/core/export";
import { saveScreenshot, useBrowser } from "../support/browser";
import { hoursAgo, writeCapture } from "../support/capture-fixtures";
import { useTmpDir } from "../support/tmp";

describe("coverage report in a real browser (chromium)", function () {
  this.timeout(90000);
  const tmp = useTmpDir("vc-browser-coverage-");
  const browser = useBrowser({ viewport: { width: 1100, height: 700 } });

  it("shows the devices x capture types table, the summary and a working device filter, offline", async () => {
    const now = new Date();
    const collections = path.join(tmp.path, "collections");
    writeCapture(collections, "config", "core-1", "x".repeat(2048), hoursAgo(2, now));
    writeCapture(collections, "config", "edge-2", "x".repeat(100), hoursAgo(24 * 10, now));
    writeCapture(collections, "arp", "core-1", "x".repeat(10), hoursAgo(1, now));
    const report = await buildCoverage({
      collections,
      now,
      devices: [{ name: "core-1", site: "hq", platform: "cisco_ios" }, "edge-2", "<img src=x onerror=alert(1)>"],
    });
    const file = path.join(tmp.path, "coverage.html");
    await writeFileAtomic(file, [coverageHtml(report)]);

    const { page, pageErrors, requests } = browser.session;
    await page.goto(pathToFileURL(file).href);
    const matrix = page.locator("#coverage-matrix");
    await matrix.waitFor();

    const headers = await matrix.locator("thead th").allTextContents();
    assert.deepStrictEqual(headers, ["Device", "Site", "Platform", "arp", "config"]);
    const rows = await matrix
      .locator("tbody tr")
      .evaluateAll((trs) =>
        trs.map((tr) => [
          tr.getAttribute("data-device"),
          ...Array.from(tr.querySelectorAll("td[data-type]")).map(
            (td) =>
              `${td.getAttribute("data-type")}:${td.className}:${(td as HTMLElement).innerText.replace(/\s+/g, " ")}`,
          ),
        ]),
      );
    assert.deepStrictEqual(rows, [
      ["<img src=x onerror=alert(1)>", "arp:missing:—", "config:missing:—"],
      ["core-1", "arp:present:1 h 10 B", "config:present:2 h 2.0 KB"],
      ["edge-2", "arp:missing:—", "config:stale:10 d 100 B"],
    ]);
    assert.deepStrictEqual(await matrix.locator("tbody tr").nth(1).locator("td").nth(0).textContent(), "hq");
    assert.strictEqual(await page.locator("#coverage-matrix img").count(), 0, "device names are text, not markup");

    const cards = await page
      .locator("#coverage-summary .card")
      .evaluateAll((els) =>
        Object.fromEntries(els.map((e) => [e.getAttribute("data-key"), e.querySelector(".value")!.textContent])),
      );
    assert.deepStrictEqual(cards, {
      devices: "3",
      "capture-types": "2",
      present: "3",
      missing: "3",
      stale: "1",
      coverage: "50%",
      size: "2.1 KB",
    });
    const typeRows = await page.locator("#coverage-types tbody tr").evaluateAll((trs) =>
      trs.map((tr) =>
        Array.from(tr.children)
          .slice(0, 4)
          .map((c) => c.textContent),
      ),
    );
    assert.deepStrictEqual(typeRows, [
      ["arp", "1", "2", "33.3%"],
      ["config", "2", "1", "66.7%"],
    ]);

    await page.locator("#device-filter").pressSequentially("core");
    assert.deepStrictEqual(
      await matrix.locator("tbody tr:visible").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-device"))),
      ["core-1"],
    );
    await page.locator("#device-filter").fill("");
    await page.locator("#device-filter").dispatchEvent("input");
    assert.strictEqual(await matrix.locator("tbody tr:visible").count(), 3);

    const shot = await saveScreenshot(page, "coverage-report");
    assert.ok(fs.statSync(shot).size > 1000);
    assert.deepStrictEqual(pageErrors, []);
    assert.deepStrictEqual(
      requests.filter((u) => !u.startsWith("file://")),
      [],
      "the report loads nothing from the network",
    );
  });
});
