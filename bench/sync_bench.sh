#!/usr/bin/env bash
# SIS sync benchmark: a generated district (bench/gen_district.py, STUDENTS
# students) imported into tenant bench, served by `crosswalk serve` as the
# SIS, then `crosswalk sync pull` of all of it into tenant mirror (page size
# PAGE): rows per second and peak RSS, next to `roster import` of the same
# CSV files into a third tenant in the same run. Not a test.
#   STUDENTS=200000 PAGE=1000 bench/sync_bench.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$(dirname "$here")
out=$here/out/sync
students=${STUDENTS:-200000}
page=${PAGE:-1000}
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
for t in bench mirror direct; do "$bin" tenant add "$t" --data-dir "$out/data" >/dev/null; done
"$bin" roster import --tenant bench --data-dir "$out/data" "$out/set" --approve >/dev/null

/usr/bin/time -f '%e %M' -o "$out/import.time" \
  "$bin" roster import --tenant direct --data-dir "$out/data" "$out/set" \
  --approve >/dev/null
serve_with_token "$out" "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly"
client=$("$bin" client add --tenant bench --json --data-dir "$out/data" \
  --scope "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly")
id=$(sed -n 's/.*"client_id":"\([^"]*\)".*/\1/p' <<<"$client")
secret=$(sed -n 's/.*"client_secret":"\([^"]*\)".*/\1/p' <<<"$client")
/usr/bin/time -f '%e %M' -o "$out/sync.time" \
  "$bin" sync pull --tenant mirror --data-dir "$out/data" \
  --base-url "$url/ims/oneroster/rostering/v1p2" --version 1.2 \
  --token-url "$url/oauth/token" --client-id "$id" --client-secret "$secret" \
  --page-size "$page" --approve --json >"$out/sync.json"

read -r import_s import_kb <"$out/import.time"
read -r sync_s sync_kb <"$out/sync.time"
awk -v rows="$rows" -v is="$import_s" -v ik="$import_kb" -v ss="$sync_s" \
    -v sk="$sync_kb" -v page="$page" -v students="$students" 'BEGIN {
  printf "district: %d students, %d CSV data rows; page size %d\n", students, rows, page
  printf "roster import (CSV):  %.2f s, %.0f rows/s, peak RSS %.0f MB\n", is, rows/is, ik/1024
  printf "sync pull (REST):     %.2f s, %.0f rows/s, peak RSS %.0f MB (client; the daemon serves)\n", ss, rows/ss, sk/1024
  printf "sync is %.0f%% of the CSV import rate\n", 100*is/ss
}'
python3 -c "import json,sys; d=json.load(open('$out/sync.json')); print('state', d['state'], 'pull', d['pull'])"
