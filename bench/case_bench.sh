#!/usr/bin/env bash
# CASE benchmark: a generated framework (bench/gen_case.py: ITEMS items in a
# tree and as many associations again) is imported with `crosswalk case
# import` (objects/s, peak RSS; then again, unchanged), then wrk asks for
# GET /ims/case/v1p1/CFPackages/{id} and nginx serves the same bytes from a
# file, in the same run. Prints the figures and the share of nginx. Not a
# test: it asserts nothing.
#   ITEMS=20000 DURATION=10s CONNECTIONS=8 bench/case_bench.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$(dirname "$here")
out=$here/out/case
items=${ITEMS:-20000}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-8}
threads=${THREADS:-2}
nginx=${NGINX:-/usr/sbin/nginx}

for tool in python3 wrk curl "$nginx" /usr/bin/time; do
  command -v "$tool" >/dev/null || {
    echo "needs $tool: apt-get install -y python3 wrk curl nginx-light time" >&2
    exit 2; }
done
mkdir -p "$out"
bin=${CROSSWALK_BIN:-}
if [ -z "$bin" ]; then
  cmake -S "$root" -B "$out/build" -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_TESTING=OFF >/dev/null
  cmake --build "$out/build" -j "$(nproc)" >/dev/null
  bin=$out/build/crosswalk
fi
cw_pid= ngx_pid=
cleanup() {
  for p in $cw_pid $ngx_pid; do kill -TERM "$p" 2>/dev/null || true; done
  for p in $cw_pid $ngx_pid; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# ---- the framework and its import -------------------------------------------
pkg=$out/framework-$items.json
[ -f "$pkg" ] || python3 "$here/gen_case.py" "$pkg" --items "$items"
objects=$(python3 -c "import json,sys; p=json.load(open(sys.argv[1]));
print(len(p['CFItems']) + len(p['CFAssociations']))" "$pkg")
rm -rf "$out/data"
"$bin" init --data-dir "$out/data" >/dev/null
"$bin" tenant add bench --data-dir "$out/data" >/dev/null
timed() { # label, then the command: prints seconds and peak RSS (MB)
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$out/time" "$@" >/dev/null
  read -r secs kb <"$out/time"
  awk -v l="$label" -v s="$secs" -v k="$kb" -v n="$objects" \
    'BEGIN { printf "%-34s %6.2f s %9.0f objects/s  peak RSS %4.0f MB\n",
             l, s, n / s, k / 1024 }'
}
printf 'framework: %d items, %d objects (items + associations), %s bytes\n' \
  "$items" "$objects" "$(stat -c %s "$pkg")"
timed "case validate" "$bin" case validate "$pkg"
# A fresh import three times (the machine is noisy: each run is shown).
for run in 1 2 3; do
  if [ "$run" -gt 1 ]; then
    rm -rf "$out/data"
    "$bin" init --data-dir "$out/data" >/dev/null
    "$bin" tenant add bench --data-dir "$out/data" >/dev/null
  fi
  timed "case import (new, run $run)" "$bin" case import --tenant bench \
    "$pkg" --data-dir "$out/data"
done
timed "case import (again, unchanged)" "$bin" case import --tenant bench \
  "$pkg" --data-dir "$out/data"
doc=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['CFDocument']['identifier'])" "$pkg")
scope=http://purl.imsglobal.org/casenetwork/case/v1p0/scope/core.readonly

# ---- crosswalk ---------------------------------------------------------------
serve_with_token "$out" "$scope"
path=/ims/case/v1p1/CFPackages/$doc
mkdir -p "$out/nginx/html"
first_ms=$(curl -fsS -o "$out/nginx/html/package" -w '%{time_total}' \
  -H "Authorization: Bearer $token" "$url$path" |
  awk '{ printf "%.0f", $1 * 1000 }')
bytes=$(stat -c %s "$out/nginx/html/package")
start_nginx "$out" package
cat >"$out/report.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.2f %.2f %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
LUA
cat >"$out/auth.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
LUA
key() { printf '%s' "$1" | tr -c 'a-zA-Z0-9' _; }
run() { # name url script
  local s=$out/run.lua
  cat "$3" "$out/report.lua" >"$s"
  wrk -t "$threads" -c "$connections" -d 2s -s "$s" "$2" >/dev/null
  wrk -t "$threads" -c "$connections" -d "$duration" -s "$s" "$2" |
    sed -n 's/^RESULT //p' | { read -r rps p50 p99 errors
      printf '%-34s %10s %9s %9s %7s\n' "$1" "$rps" "$p50" "$p99" "$errors"
      echo "$rps" >"$out/$(key "$1").rps"; }
}
: >"$out/empty.lua"
printf 'package: %s bytes; first request (reads, inflates, caches): %s ms\n' \
  "$bytes" "$first_ms"
printf '%-34s %10s %9s %9s %7s\n' target 'req/s' 'p50 ms' 'p99 ms' errors
run "nginx static package" "http://127.0.0.1:$port/package" "$out/empty.lua"
run "crosswalk CFPackages/{id}" "$url$path" "$out/auth.lua"
rss=$(awk '/VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$cw_pid/status")
echo "crosswalk (serve) peak RSS: ${rss} MB"
awk -v a="$(cat "$out/$(key "crosswalk CFPackages/{id}").rps")" \
    -v b="$(cat "$out/$(key "nginx static package").rps")" \
  'BEGIN { printf "CFPackages: %.0f%% of nginx (target: at least 30%%)\n", 100 * a / b }'
