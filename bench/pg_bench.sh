#!/usr/bin/env bash
# PostgreSQL import benchmark (issue 10): a synthetic district
# (bench/gen_district.py) imported by `crosswalk roster import` into a
# PostgreSQL store, next to PostgreSQL's own COPY of the same CSV rows into
# indexed tables (every column text, a primary key on sourcedId, one
# transaction) on the same throwaway cluster (scripts/pg-test-cluster.sh:
# loopback, fsync off for both), and to the same import on SQLite. Prints
# seconds, rows/s and peak RSS, and the import's rate as a share of COPY's
# (the issue's target: at least 0.8), then the same import again into the
# tenant that now holds it (nothing changes: the diff path). Not a test: it
# asserts nothing.
#   STUDENTS=200000 bench/pg_bench.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=$here/out/pg
students=${STUDENTS:-200000}

for tool in python3 psql /usr/bin/time; do
  command -v "$tool" >/dev/null || {
    echo "needs $tool: apt-get install -y python3 postgresql-client time" >&2
    exit 2; }
done
mkdir -p "$out"
bin=${CROSSWALK_BIN:-}
if [ -z "$bin" ]; then
  cmake -S "$root" -B "$out/build" -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_TESTING=OFF >/dev/null
  cmake --build "$out/build" -j "$(nproc)" --target crosswalk >/dev/null
  bin=$out/build/crosswalk
fi

cluster=
cluster_sh=$root/scripts/pg-test-cluster.sh
cleanup() { [ -n "$cluster" ] && "$cluster_sh" stop "$cluster"; }
trap cleanup EXIT
started=$("$cluster_sh" start)
cluster=$(sed -n 's/^dir=//p' <<<"$started")
base_url=$(sed -n 's/^CROSSWALK_TEST_PG=//p' <<<"$started")
server=${base_url%/postgres}
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_q "$base_url" -c 'CREATE DATABASE copybench' -c 'CREATE DATABASE cwbench'

set_dir=$out/set-$students
[ -d "$set_dir" ] || python3 "$here/gen_district.py" "$set_dir" \
  --students "$students" >/dev/null
rows=0
for f in "$set_dir"/*.csv; do
  [ "$(basename "$f")" = manifest.csv ] && continue
  rows=$((rows + $(wc -l <"$f") - 1))
done
echo "== district: $students students, $rows CSV data rows"

# ---- PostgreSQL's own COPY ---------------------------------------------------
sql=$out/copy.sql
{
  echo "BEGIN;"
  for f in "$set_dir"/*.csv; do
    name=$(basename "$f" .csv)
    [ "$name" = manifest ] && continue
    header=$(head -n 1 "$f" | tr -d '\r')
    cols=$(tr ',' '\n' <<<"$header" | awk '{ printf "%s\"%s\" text", (NR > 1 ? ", " : ""), $0 }')
    pk=
    grep -q '^sourcedId,' <<<"$header" && pk=', PRIMARY KEY ("sourcedId")'
    echo "CREATE TABLE \"$name\" ($cols$pk);"
    echo "\\copy \"$name\" FROM '$f' WITH (FORMAT csv, HEADER true)"
  done
  echo "COMMIT;"
} >"$sql"
start=$(date +%s.%N)
psql_q "$server/copybench" -f "$sql" >/dev/null
end=$(date +%s.%N)
copy_s=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')
awk -v n="$rows" -v t="$copy_s" 'BEGIN {
  printf "psql COPY into indexed tables: %.2f s, %.0f rows/s\n", t, n / t }'

# ---- crosswalk on PostgreSQL and on SQLite -------------------------------------
import() { # LABEL DATA_DIR [STORE]
  local label=$1 data=$2 store=${3:-}
  rm -rf "$data"
  if [ -n "$store" ]; then export CROSSWALK_STORE=$store; else unset CROSSWALK_STORE; fi
  "$bin" init --data-dir "$data" >/dev/null
  "$bin" tenant add bench --data-dir "$data" >/dev/null
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -v "$bin" roster import --tenant bench "$set_dir" --approve \
    --data-dir "$data" >/dev/null 2>"$out/time-$label.txt"
  end=$(date +%s.%N)
  local rss
  rss=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' \
    "$out/time-$label.txt")
  awk -v l="$label" -v n="$rows" -v s="$start" -v e="$end" -v r="$rss" 'BEGIN {
    printf "crosswalk roster import (%s): %.2f s, %.0f rows/s, peak RSS %.0f MB\n",
           l, e - s, n / (e - s), r / 1024 }' | tee "$out/import-$label.txt"
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }' >"$out/secs-$label"
  # again, into the tenant that now holds it all: the diff path
  start=$(date +%s.%N)
  "$bin" roster import --tenant bench "$set_dir" --approve \
    --data-dir "$data" >/dev/null
  end=$(date +%s.%N)
  awk -v l="$label" -v n="$rows" -v s="$start" -v e="$end" 'BEGIN {
    printf "crosswalk roster import again, unchanged (%s): %.2f s, %.0f rows/s\n",
           l, e - s, n / (e - s) }'
  unset CROSSWALK_STORE
}
import postgresql "$out/data-pg" "$server/cwbench"
import sqlite "$out/data-sqlite"

pg_s=$(cat "$out/secs-postgresql")
awk -v c="$copy_s" -v p="$pg_s" 'BEGIN {
  printf "import on PostgreSQL is %.2f x the rate of PostgreSQL'"'"'s COPY (target: at least 0.8)\n", c / p }'
