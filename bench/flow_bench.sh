#!/usr/bin/env bash
# CBE flow benchmark (issue 8): flow partner-record on RECORDS partner
# learning records for a STUDENTS-student district (bench/gen_district.py,
# imported first) and a generated CASE framework (bench/gen_case.py): each
# record matched to its student (half by sourcedId, half by email), one
# OB 3.0 credential per competency issued and signed (eddsa-rdfc-2022),
# verified again, and written as a OneRoster result. Prints records/s end
# to end (the whole `map run`, store included) and peak RSS. Not a test.
#   STUDENTS=200000 RECORDS=10000 bench/flow_bench.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=$here/out/flow
students=${STUDENTS:-200000}
records=${RECORDS:-10000}
for tool in python3 /usr/bin/time; do
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
export CROSSWALK_DATA_DIR=$out/data

python3 "$here/gen_district.py" "$out/set" --students "$students" >/dev/null
python3 "$here/gen_case.py" "$out/case.json" --items 200 >/dev/null
"$bin" init >/dev/null
"$bin" tenant add bench >/dev/null
"$bin" roster import --tenant bench "$out/set" --approve >/dev/null
"$bin" case import --tenant bench "$out/case.json" >/dev/null
"$bin" issuer add --tenant bench --name "Bench District" >/dev/null
items=$(python3 -c "import json,sys
p=json.load(open(sys.argv[1]))
print(' '.join(i['identifier'] for i in p['CFItems'][:20]))" "$out/case.json")

cat >"$out/results.json" <<JSON
{"flow":"credential-to-result","identity":[{"match":"sourcedId"},
 {"match":"email"}],"alignment":{},"levels":[
 {"match":["Mastered"],"score":4,"textScore":"Mastered"},
 {"match":["Proficient"],"score":3,"textScore":"Proficient"}],
 "noResult":{"score":4,"textScore":"Mastered"},
 "lineItem":{"class":{"sourcedId":"cls0"},"category":{"sourcedId":"xl",
 "title":"Extended learning"},"resultValueMin":0,"resultValueMax":4}}
JSON
cat >"$out/partner.json" <<JSON
{"flow":"partner-record","partner":{"id":"https://museum.example/",
 "name":"City Museum"},"identity":[{"match":"sourcedId"},{"match":"email"}],
 "creditsPerHour":0.1}
JSON
"$bin" map install --tenant bench "$out/results.json" >/dev/null
"$bin" map install --tenant bench "$out/partner.json" >/dev/null
python3 - "$out/records.csv" "$records" "$students" $items <<'PY'
import sys
out, n, students, items = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
levels = ["Mastered", "Proficient"]
with open(out, "w") as f:
    f.write("recordId,student,activity,startDate,endDate,hours,evidenceUrl,competencies\n")
    for i in range(n):
        s = (i * 7919) % students
        who = f"stu{s}" if i % 2 else f"stu{s}@example.org"
        f.write(f"rec{i},{who},Internship {i % 50},2026-02-01,2026-03-01,"
                f"{10 + i % 30},https://museum.example/e/{i},"
                f"{items[i % len(items)]}:{levels[i % 2]}\n")
PY
/usr/bin/time -f '%e %M %U %S' -o "$out/run.time" \
  "$bin" map run --tenant bench --flow partner-record "$out/records.csv" \
  >"$out/report.json" || true
read -r secs kb user sys <"$out/run.time"
python3 - "$out/report.json" "$records" "$students" "$secs" "$kb" "$user" "$sys" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
n, students, secs, kb = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
cpu = float(sys.argv[6]) + float(sys.argv[7])
print(f"district: {students} students; {n} partner records, one competency each")
print(f"map run partner-record: {secs:.2f} s, {n / secs:.0f} records/s end to end, "
      f"peak RSS {kb / 1024:.0f} MB")
print(f"  CPU {cpu:.2f} s (user+sys): {n / cpu:.0f} records per CPU-second; "
      f"wall/CPU {secs / cpu:.1f} (over 1: waiting for the disk or other load)")
print(f"done {r['done']}, held {r['held']}, failed {r['failed']}, "
      f"credentials {r['credentials']}, result rows {r['rows']}")
PY
