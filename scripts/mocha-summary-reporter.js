// Mocha's spec reporter plus the closing line CI counts: "N passed, N failed".
// With VC_SUMMARY_FILE set, it also appends the counts as JSON so scripts/test.sh can add up legs.
"use strict";
const fs = require("node:fs");
const Mocha = require("mocha");

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once("end", () => {
      const { passes = 0, failures = 0, pending = 0 } = this.stats;
      const leg = process.env.VC_LEG || "";
      const skipped = pending ? `, ${pending} skipped` : "";
      console.log(`${leg ? leg + ": " : ""}${passes} passed, ${failures} failed${skipped}`);
      if (process.env.VC_SUMMARY_FILE) {
        fs.appendFileSync(process.env.VC_SUMMARY_FILE, JSON.stringify({ leg, passes, failures, pending }) + "\n");
      }
    });
  }
}
module.exports = SummaryReporter;
