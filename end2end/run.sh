#!/usr/bin/env bash
# Browser tests: start the release build of Herald on a free port with a fresh database,
# run Playwright against it, stop it. Expects `make build` to have run.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=target/release/herald
[ -x "$bin" ] || { echo "end2end: $bin is missing; run 'make build' first" >&2; exit 1; }

tmp=$(mktemp -d)
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
log="$tmp/herald.log"
# Loopback is allowed so tests can run fake robots and receivers beside the server.
"$bin" serve --listen "127.0.0.1:$port" --database-url "sqlite://$tmp/herald.db" \
  --allow-target-network 127.0.0.0/8 >"$log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "end2end: herald exited:" >&2; cat "$log" >&2; exit 1; fi
  sleep 0.1
done

mkdir -p end2end/screenshots
cd end2end
status=0
HERALD_URL="http://127.0.0.1:$port" npx playwright test "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- herald log ---" >&2
  tail -n 80 "$log" >&2
fi
exit "$status"
