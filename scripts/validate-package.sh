#!/usr/bin/env bash
# Runs the Flow Library's checker (node-red-dev validate) with the catalogue look-up stubbed
# (offline), and fails when a check the Flow Library marks "fail" fails (P01 P04 P05 D02) or
# when it cannot run. Warnings are printed for the record.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(mktemp)
cd "$ROOT"
NODE_OPTIONS="--require $ROOT/scripts/nrdev-offline-catalogue.js" timeout 300 npx -y node-red-dev@0.1.6 validate -o "$OUT" > "$OUT.log" 2>&1
rc=$?
cat "$OUT.log"
if [ $rc -ne 0 ] || [ ! -s "$OUT" ]; then echo "validate-package: node-red-dev did not complete (exit $rc)"; exit 1; fi
node -e '
const card = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const mustPass = ["P01", "P04", "P05", "D02"];
let bad = 0;
for (const [id, r] of Object.entries(card)) {
  const ok = r && r.test !== false;
  if (!ok) console.log(`${mustPass.includes(id) ? "ERROR" : "warning"} ${id}`);
  if (!ok && mustPass.includes(id)) bad++;
}
process.exit(bad ? 1 : 0);
' "$OUT"
rc=$?
rm -f "$OUT" "$OUT.log"
exit $rc
