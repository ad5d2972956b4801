#!/usr/bin/env bash
# Batch issuance benchmark: N (10,000) OB 3.0 OpenBadgeCredentials
# (eddsa-rdfc-2022, hashed email recipients, a result each, status list
# entries) issued end to end by `crosswalk badge issue --batch` — CSV read,
# every row checked, signed, stored in one SQLite transaction — timed with
# its peak RSS (/usr/bin/time -v), next to the bare signing rate of
# bench/vc_bench.sh run in the same script. Not a test: it asserts nothing.
#   N=10000 VC_N=20000 bench/badge_issue_bench.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=$here/out/badge
n=${N:-10000}
mkdir -p "$out"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 2; }
cmake -S "$root" -B "$out/build" -DCMAKE_BUILD_TYPE=Release \
  -DBUILD_TESTING=OFF -DCW_BENCH=ON >/dev/null
cmake --build "$out/build" -j "$(nproc)" --target crosswalk verify_bench \
  >/dev/null
cw=$out/build/crosswalk

data=$(mktemp -d "${TMPDIR:-/tmp}/cw-badge-bench-XXXXXX")
trap 'rm -rf "$data"' EXIT
"$cw" init --data-dir "$data" >/dev/null
"$cw" tenant add bench --data-dir "$data" >/dev/null
issuer=$("$cw" issuer add --tenant bench --name "Bench District" \
  --data-dir "$data")
cat >"$data/ach.json" <<'JSON'
{"id": "https://bench.example/achievements/data-literacy",
 "type": ["Achievement"], "achievementType": "Badge",
 "name": "Data literacy", "description": "Reads and explains charts.",
 "criteria": {"narrative": "Explains a bar chart to the class."},
 "resultDescription": [{"id": "urn:uuid:11111111-1111-4111-8111-111111111111",
   "type": ["ResultDescription"], "name": "Grade",
   "resultType": "LetterGrade"}]}
JSON
"$cw" achievement add --tenant bench --issuer "$issuer" "$data/ach.json" \
  --data-dir "$data" >/dev/null
awk -v n="$n" 'BEGIN {
  print "recipient,achievement,result"
  for (i = 1; i <= n; i++)
    printf "learner%d@district.example,https://bench.example/achievements/data-literacy,%s\n", i, substr("ABCD", i % 4 + 1, 1)
}' >"$data/batch.csv"

echo "== crosswalk badge issue --batch: $n credentials, end to end, one core"
start=$(date +%s.%N)
taskset -c 0 /usr/bin/time -v "$cw" badge issue --tenant bench \
  --batch "$data/batch.csv" --data-dir "$data" >"$data/ids.txt" \
  2>"$out/time.txt"
end=$(date +%s.%N)
issued=$(wc -l <"$data/ids.txt")
rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' \
  "$out/time.txt")
db=$(du -k "$data/crosswalk.db" | cut -f1)
awk -v n="$issued" -v s="$start" -v e="$end" -v rss="$rss" -v db="$db" \
  'BEGIN {
  printf "issued %d in %.2f s: %.0f credentials/s, peak RSS %.1f MiB, db %.1f MiB\n",
         n, e - s, n / (e - s), rss / 1024, db / 1024
}' | tee "$out/batch.txt"

echo "== verification of the same $issued credentials (bench/c/verify_bench.c), one process, one core"
python3 - "$data/crosswalk.db" "$data/creds" <<'PY'
import os, sqlite3, sys
os.makedirs(sys.argv[2], exist_ok=True)
for i, (text,) in enumerate(sqlite3.connect(sys.argv[1]).execute(
        "SELECT credential FROM badge_credentials WHERE format = 'di'")):
    with open(os.path.join(sys.argv[2], f"{i:06d}.json"), "w") as f:
        f.write(text)
PY
taskset -c 0 /usr/bin/time -v "$out/build/verify_bench" "$data" \
  "$data/creds" 2>"$out/vtime.txt" | tee "$out/verify.txt"
vrss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' \
  "$out/vtime.txt")
echo "  peak RSS $((vrss / 1024)) MiB"

echo "== bench/vc_bench.sh (bare signing of one credential)"
N=${VC_N:-20000} NODE_N=${NODE_N:-100} bash "$here/vc_bench.sh" \
  | tee "$out/vc.txt"

batch=$(grep -oE '[0-9]+ credentials/s' "$out/batch.txt" | grep -oE '[0-9]+')
sign=$(grep -i 'crosswalk sign' "$out/vc.txt" | grep -oE '[0-9]+(\.[0-9]+)?' \
  | head -1)
awk -v b="$batch" -v s="$sign" 'BEGIN {
  printf "end-to-end batch issuance is %.0f%% of the bare signing rate (%.0f/s)\n",
         100 * b / s, s
}'
