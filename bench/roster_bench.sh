#!/usr/bin/env bash
# Roster import benchmark: a synthetic district (bench/gen_district.py), then
# `crosswalk roster validate` and `crosswalk roster import` (validation and
# reference checks included) against the sqlite3 CLI's plain `.import` of the
# same CSV files into bare tables, in the same run. Prints rows/s, MB/s and
# peak RSS. Not a test: it asserts nothing.
#   STUDENTS=200000 ENROLLMENTS_PER_STUDENT=5 bench/roster_bench.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=$here/out/roster
students=${STUDENTS:-200000}
per=${ENROLLMENTS_PER_STUDENT:-5}

for tool in python3 sqlite3 /usr/bin/time; do
  command -v "$tool" >/dev/null || {
    echo "needs $tool: apt-get install -y python3 sqlite3 time" >&2; exit 2; }
done
bin=${CROSSWALK_BIN:-}
if [ -z "$bin" ]; then
  cmake -S "$root" -B "$out/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
  cmake --build "$out/build" -j "$(nproc)" >/dev/null
  bin=$out/build/crosswalk
fi
rm -rf "$out/set" "$out/data" "$out/plain.db"
python3 "$here/gen_district.py" "$out/set" --students "$students" \
  --enrollments-per-student "$per"
# data rows: every line but the headers, manifest.csv not counted
data_files=$(ls "$out"/set/*.csv | grep -v '/manifest\.csv$')
rows=$(( $(cat $data_files | wc -l) - $(echo "$data_files" | wc -l) ))
mb=$(du -sm "$out/set" | cut -f1)
"$bin" init --data-dir "$out/data" >/dev/null
"$bin" tenant add bench --data-dir "$out/data" >/dev/null

# seconds and peak RSS (MB) of a command, from GNU time
measure() {
  /usr/bin/time -f '%e %M' -o "$out/time.txt" "$@" >/dev/null
  read -r secs kb < "$out/time.txt"
  echo "$secs $(( kb / 1024 ))"
}

read -r v_s v_rss < <(measure "$bin" roster validate "$out/set")
read -r i_s i_rss < <(measure "$bin" roster import --tenant bench "$out/set" --data-dir "$out/data")
read -r u_s u_rss < <(measure "$bin" roster import --tenant bench "$out/set" --data-dir "$out/data")
script=$out/import.sql
: > "$script"
for f in "$out"/set/*.csv; do
  n=$(basename "$f" .csv)
  [ "$n" = manifest ] && continue
  echo ".import --csv $f $n" >> "$script"
done
read -r s_s s_rss < <(measure sqlite3 "$out/plain.db" ".read $script")

rate() { awk -v r="$rows" -v s="$1" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }'; }
mbps() { awk -v m="$mb" -v s="$1" 'BEGIN { printf "%.1f", (s > 0 ? m / s : 0) }'; }
printf 'synthetic district: %d students, %s data rows, %s MB of CSV, %s cores\n' \
  "$students" "$rows" "$mb" "$(nproc)"
printf '%-34s %8s %12s %8s %9s\n' step seconds rows/s MB/s 'peak RSS'
printf '%-34s %8s %12s %8s %8sM\n' 'crosswalk roster validate' "$v_s" "$(rate "$v_s")" "$(mbps "$v_s")" "$v_rss"
printf '%-34s %8s %12s %8s %8sM\n' 'crosswalk roster import (new)' "$i_s" "$(rate "$i_s")" "$(mbps "$i_s")" "$i_rss"
printf '%-34s %8s %12s %8s %8sM\n' 'crosswalk roster import (again)' "$u_s" "$(rate "$u_s")" "$(mbps "$u_s")" "$u_rss"
printf '%-34s %8s %12s %8s %8sM\n' 'sqlite3 .import (bare tables)' "$s_s" "$(rate "$s_s")" "$(mbps "$s_s")" "$s_rss"
awk -v a="$i_s" -v b="$s_s" 'BEGIN { printf "import rows/s as a share of sqlite3 .import: %.0f%% (target: at least 100%%)\n", (a > 0 ? 100 * b / a : 0) }'
