#!/usr/bin/env bash
# SIS sync benchmark: a generated district (bench/gen_district.py, STUDENTS
# students) imported into tenant bench, served by `crosswalk serve` as the
# SIS, then `crosswalk sync pull` of all of it into tenant mirror (page size
# PAGE): rows per second and peak RSS, next to `roster import` of the same
# CSV files into fresh tenants in the same run: ROUNDS (default 3) of each,
# alternating, medians (wall time moves a lot on a shared machine; CPU
# seconds much less). The SIS is warmed first with one page (its roster
# cache load, timed and shown apart), since a SIS in service is warm. Not
# a test.
#   STUDENTS=200000 PAGE=1000 bench/sync_bench.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$(dirname "$here")
out=$here/out/sync
students=${STUDENTS:-200000}
page=${PAGE:-1000}
rounds=${ROUNDS:-3}
for tool in python3 curl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }
done
rm -rf "$out/data" "$out/set"
mkdir -p "$out"
bin=${CROSSWALK_BIN:-}
if [ -z "$bin" ]; then
  cmake -S "$root" -B "$out/build" -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_TESTING=OFF >/dev/null
  cmake --build "$out/build" -j "$(nproc)" --target crosswalk >/dev/null
  bin=$out/build/crosswalk
fi
cw_pid=
cleanup() { [ -n "$cw_pid" ] && kill -TERM "$cw_pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

python3 "$here/gen_district.py" "$out/set" --students "$students" >/dev/null
rows=$(($(cat "$out/set"/*.csv | wc -l) - $(ls "$out/set"/*.csv | wc -l)))
"$bin" init --data-dir "$out/data" >/dev/null
"$bin" tenant add bench --data-dir "$out/data" >/dev/null
"$bin" roster import --tenant bench --data-dir "$out/data" "$out/set" --approve >/dev/null
serve_with_token "$out" "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly"
client=$("$bin" client add --tenant bench --json --data-dir "$out/data" \
  --scope "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly")
id=$(sed -n 's/.*"client_id":"\([^"]*\)".*/\1/p' <<<"$client")
secret=$(sed -n 's/.*"client_secret":"\([^"]*\)".*/\1/p' <<<"$client")
warm=$(curl -fsS -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" \
  "$url/ims/oneroster/rostering/v1p2/users?limit=1")
cpu() { awk '{print $14+$15}' "/proc/$cw_pid/stat"; }
: >"$out/import.times"
: >"$out/sync.times"
: >"$out/server.ticks"
for r in $(seq 1 "$rounds"); do
  "$bin" tenant add "direct$r" --data-dir "$out/data" >/dev/null
  "$bin" tenant add "mirror$r" --data-dir "$out/data" >/dev/null
  /usr/bin/time -f '%e %M %U %S' -a -o "$out/import.times" \
    "$bin" roster import --tenant "direct$r" --data-dir "$out/data" "$out/set" \
    --approve >/dev/null
  before=$(cpu)
  /usr/bin/time -f '%e %M %U %S' -a -o "$out/sync.times" \
    "$bin" sync pull --tenant "mirror$r" --data-dir "$out/data" \
    --base-url "$url/ims/oneroster/rostering/v1p2" --version 1.2 \
    --token-url "$url/oauth/token" --client-id "$id" --client-secret "$secret" \
    --page-size "$page" --approve --json >"$out/sync.json"
  echo "$(($(cpu) - before))" >>"$out/server.ticks"
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
col() { awk -v c="$2" '{print $c}' "$1" | median; }
cpu_of() { awk '{print $3+$4}' "$1" | median; }
awk -v rows="$rows" -v page="$page" -v students="$students" -v warm="$warm" \
    -v rounds="$rounds" \
    -v is="$(col "$out/import.times" 1)" -v ik="$(col "$out/import.times" 2)" \
    -v ic="$(cpu_of "$out/import.times")" \
    -v ss="$(col "$out/sync.times" 1)" -v sk="$(col "$out/sync.times" 2)" \
    -v sc="$(cpu_of "$out/sync.times")" -v srv="$(median <"$out/server.ticks")" \
    -v all_i="$(cut -d' ' -f1 "$out/import.times" | tr '\n' ' ')" \
    -v all_s="$(cut -d' ' -f1 "$out/sync.times" | tr '\n' ' ')" 'BEGIN {
  printf "district: %d students, %d CSV data rows; page size %d; medians of %d rounds\n", students, rows, page, rounds
  printf "SIS warm-up (first page: its roster cache load): %.2f s\n", warm
  printf "roster import (CSV):  %.2f s, %.0f rows/s, peak RSS %.0f MB, CPU %.2f s  [wall: %s]\n", is, rows/is, ik/1024, ic, all_i
  printf "sync pull (REST):     %.2f s, %.0f rows/s, peak RSS %.0f MB, CPU %.2f s (+ SIS %.2f s)  [wall: %s]\n", ss, rows/ss, sk/1024, sc, srv/100, all_s
  printf "sync is %.0f%% of the CSV import rate\n", 100*is/ss
}'
python3 -c "import json,sys; d=json.load(open('$out/sync.json')); print('state', d['state'], 'pull', d['pull'])"
