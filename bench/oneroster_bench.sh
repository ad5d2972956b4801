#!/usr/bin/env bash
# OneRoster REST benchmark: a synthetic district (bench/gen_district.py) is
# imported, then wrk asks crosswalk for `GET /users?limit=100` at random
# offsets and `GET /classes/{id}/students` for random classes, and nginx for
# a static file holding the bytes of one such page, in the same run. Prints
# requests/s, p50 and p99 latency, crosswalk's peak RSS, and the share of
# nginx's requests/s. Not a test: it asserts nothing.
#   STUDENTS=200000 DURATION=10s CONNECTIONS=32 bench/oneroster_bench.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$(dirname "$here")
out=$here/out/oneroster
students=${STUDENTS:-200000}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
nginx=${NGINX:-/usr/sbin/nginx}

for tool in python3 wrk curl "$nginx"; do
  command -v "$tool" >/dev/null || {
    echo "needs $tool: apt-get install -y python3 wrk curl nginx-light" >&2
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

# ---- the district ----------------------------------------------------------
set_dir=$out/set-$students
[ -d "$set_dir" ] || python3 "$here/gen_district.py" "$set_dir" \
  --students "$students" >/dev/null
rm -rf "$out/data"
"$bin" init --data-dir "$out/data" >/dev/null
"$bin" tenant add bench --data-dir "$out/data" >/dev/null
"$bin" roster import --tenant bench "$set_dir" --data-dir "$out/data" >/dev/null
scope=https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly

# ---- crosswalk ---------------------------------------------------------------
serve_with_token "$out" "$scope"
base=/ims/oneroster/rostering/v1p2
users=$(curl -fsS -o /dev/null -D - -H "Authorization: Bearer $token" \
  "$url$base/users?limit=1" | tr -d '\r' | sed -n 's/^X-Total-Count: //Ip')
classes=$(curl -fsS -o /dev/null -D - -H "Authorization: Bearer $token" \
  "$url$base/classes?limit=1" | tr -d '\r' | sed -n 's/^X-Total-Count: //Ip')
first_ms=$(curl -fsS -o /dev/null -w '%{time_total}' \
  -H "Authorization: Bearer $token" "$url$base/users?limit=100" |
  awk '{ printf "%.1f", $1 * 1000 }')

# ---- nginx serving one page's bytes ------------------------------------------
mkdir -p "$out/nginx/html"
curl -fsS -H "Authorization: Bearer $token" \
  "$url$base/users?limit=100&offset=$((users / 2))" -o "$out/nginx/html/page"
page_bytes=$(stat -c %s "$out/nginx/html/page")
start_nginx "$out" page

# ---- wrk --------------------------------------------------------------------
cat >"$out/users.lua" <<EOF
wrk.headers["Authorization"] = "Bearer $token"
math.randomseed(os.time())
request = function()
  local offset = math.random(0, math.max(0, $users - 100))
  return wrk.format("GET", "$base/users?limit=100&offset=" .. offset)
end
EOF
cat >"$out/students.lua" <<EOF
wrk.headers["Authorization"] = "Bearer $token"
math.randomseed(os.time() + 1)
request = function()
  return wrk.format("GET", "$base/classes/cls" .. math.random(0, $classes - 1) .. "/students")
end
EOF
cat >"$out/report.lua" <<'EOF'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.2f %.2f %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
EOF
run() { # name url script
  local s=$out/run.lua
  cat "$3" "$out/report.lua" >"$s" 2>/dev/null || cp "$out/report.lua" "$s"
  wrk -t "$threads" -c "$connections" -d 2s -s "$s" "$2" >/dev/null
  wrk -t "$threads" -c "$connections" -d "$duration" -s "$s" "$2" |
    sed -n 's/^RESULT //p' | { read -r rps p50 p99 errors
      printf '%-44s %10s %9s %9s %7s\n' "$1" "$rps" "$p50" "$p99" "$errors"
      echo "$rps" >"$out/$(tr ' /{}?=' '______' <<<"$1").rps"; }
}
: >"$out/empty.lua"
printf 'district: %d students (%s users, %s classes); page of 100 users: %s bytes\n' \
  "$students" "$users" "$classes" "$page_bytes"
printf 'first page after start (builds the index): %s ms\n' "$first_ms"
printf '%-44s %10s %9s %9s %7s\n' target 'req/s' 'p50 ms' 'p99 ms' errors
run "nginx static page" "http://127.0.0.1:$port/page" "$out/empty.lua"
run "crosswalk /users?limit=100 random offset" "$url" "$out/users.lua"
run "crosswalk /classes/{id}/students" "$url" "$out/students.lua"
rss=$(awk '/VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$cw_pid/status")
echo "crosswalk peak RSS: ${rss} MB"
ngx=$(cat "$out/nginx_static_page.rps")
for f in "$out"/crosswalk_*.rps; do
  awk -v a="$(cat "$f")" -v b="$ngx" -v n="$(basename "$f" .rps)" \
    'BEGIN { printf "%s: %.0f%% of nginx (target: at least 25%%)\n", n, 100 * a / b }'
done
