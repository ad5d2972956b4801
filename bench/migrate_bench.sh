#!/usr/bin/env bash
# `crosswalk migrate` benchmark: a synthetic district (bench/gen_district.py)
# imported into a SQLite data dir, then migrated to a fresh SQLite data dir
# and, when PG_URL names an empty database (postgres://USER@HOST:PORT/DB),
# to PostgreSQL. Prints rows, load and verify seconds and rows/s of the load
# (the command's own --json figures) and the wall time. Not a test.
#   STUDENTS=20000 PG_URL=postgres://me@127.0.0.1:5432/bench bench/migrate_bench.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=$here/out/migrate
students=${STUDENTS:-20000}
per=${ENROLLMENTS_PER_STUDENT:-5}

bin=${CROSSWALK_BIN:-}
if [ -z "$bin" ]; then
  cmake -S "$root" -B "$out/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
  cmake --build "$out/build" -j 2 >/dev/null
  bin=$out/build/crosswalk
fi
rm -rf "$out/set" "$out/data" "$out/target"
python3 "$here/gen_district.py" "$out/set" --students "$students" \
  --enrollments-per-student "$per" >/dev/null
"$bin" init --data-dir "$out/data" >/dev/null
"$bin" tenant add bench --data-dir "$out/data" >/dev/null
"$bin" roster import --tenant bench --approve "$out/set" --data-dir "$out/data" >/dev/null

run() {
  local to=$1 start end
  start=$(date +%s.%N)
  "$bin" migrate --tenant bench --to "$to" --json --data-dir "$out/data" > "$out/report.json"
  end=$(date +%s.%N)
  python3 - "$out/report.json" "$to" "$start" "$end" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
wall = float(sys.argv[4]) - float(sys.argv[3])
print(f"{sys.argv[2].split('@')[-1]:<28} rows {r['total_rows']:>8}  "
      f"roster {r['rows']['roster']:>7}  load {r['load_seconds']:6.2f} s "
      f"({r['rows_per_second']:8.0f} rows/s)  verify {r['verify_seconds']:6.2f} s  "
      f"wall {wall:6.2f} s  verified {r['verified']}")
PY
}

echo "migrate: $students students, $per enrollments each"
run "sqlite:$out/target"
if [ -n "${PG_URL:-}" ]; then
  run "$PG_URL"
fi
