#!/usr/bin/env bash
# Job queue benchmark (issue 10): JOBS jobs added, then claimed and finished
# by NODES nodes at once (bench/c/queue_bench.c: one store each, as the
# daemons' queue threads), on SQLite and on a throwaway PostgreSQL cluster
# (scripts/pg-test-cluster.sh: loopback, fsync off), where claims use
# FOR UPDATE SKIP LOCKED. Prints jobs/s and checks each job ran once (the
# driver exits 1 otherwise); then a BLOB_MB MiB file stored as a blob and
# read back (what an upload costs before its import starts). Not a test.
#   JOBS=20000 NODES=4 BLOB_MB=64 bench/queue_bench.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=$here/out/queue
jobs=${JOBS:-20000}
nodes=${NODES:-4}
blob_mb=${BLOB_MB:-64}
mkdir -p "$out"
cmake -S "$root" -B "$out/build" -DCMAKE_BUILD_TYPE=Release \
  -DBUILD_TESTING=OFF -DCW_BENCH=ON >/dev/null
cmake --build "$out/build" -j "$(nproc)" --target queue_bench >/dev/null
bin=$out/build/queue_bench

rm -rf "$out/sqlite" && mkdir -p "$out/sqlite"
echo "== SQLite (WAL, one file), $nodes nodes"
"$bin" --store sqlite --dir "$out/sqlite" --jobs "$jobs" --nodes "$nodes" \
  --blob-mb "$blob_mb"
echo "== PostgreSQL $(pg_config --version 2>/dev/null | awk '{print $2}'), $nodes nodes"
"$root/scripts/pg-test-cluster.sh" run sh -c \
  "'$bin' --store \"\$CROSSWALK_TEST_PG\" --dir '$out' --jobs $jobs --nodes $nodes --blob-mb $blob_mb"
