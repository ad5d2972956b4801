#!/usr/bin/env bash
# Signing benchmark: one realistic OB 3.0 credential (bench/data/
# ob3-bench-credential.json, 40 canonical N-Quads) signed and verified with
# eddsa-rdfc-2022 on one core by crosswalk's C signer (bench/c/vc_bench.c)
# and by the digitalbazaar Node stack (bench/vc_node_bench.mjs) in the same
# run, next to OpenSSL's raw Ed25519 rate (openssl speed). Prints the
# figures and the ratios. Not a test: it asserts nothing.
#   N=3000 NODE_N=300 bench/vc_bench.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=$here/out/vc
n=${N:-3000}
node_n=${NODE_N:-300}
cred=${CREDENTIAL:-$here/data/ob3-bench-credential.json}
mkdir -p "$out"
for tool in node openssl taskset; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }
done
cmake -S "$root" -B "$out/build" -DCMAKE_BUILD_TYPE=Release \
  -DBUILD_TESTING=OFF -DCW_BENCH=ON >/dev/null
cmake --build "$out/build" -j "$(nproc)" --target vc_bench >/dev/null

echo "== crosswalk (C), one core"
taskset -c 0 "$out/build/vc_bench" --n "$n" "$cred" | tee "$out/c.txt"
echo "== digitalbazaar Node stack ($(node --version)), one core"
taskset -c 0 node "$here/vc_node_bench.mjs" --n "$node_n" "$cred" \
  | tee "$out/node.txt"
echo "== openssl speed ed25519, one core"
taskset -c 0 openssl speed -seconds 3 ed25519 2>/dev/null | tail -1 \
  | tee "$out/openssl.txt"

num() { grep -i "$1" "$2" | grep -oE '[0-9]+(\.[0-9]+)?' | head -1; }
c_sign=$(num 'crosswalk sign' "$out/c.txt")
c_verify=$(num 'crosswalk verify' "$out/c.txt")
n_sign=$(num 'sign' "$out/node.txt")
n_verify=$(num 'verify' "$out/node.txt")
raw=$(awk '{print $(NF-1)}' "$out/openssl.txt")
awk -v cs="$c_sign" -v cv="$c_verify" -v ns="$n_sign" -v nv="$n_verify" \
    -v raw="$raw" 'BEGIN {
  printf "sign:   %.0f creds/s, %.1fx the Node stack (%.0f/s)\n", cs, cs/ns, ns
  printf "verify: %.0f creds/s, %.1fx the Node stack (%.0f/s)\n", cv, cv/nv, nv
  printf "signing is %.0f%% of raw Ed25519 signing (%.0f sigs/s)\n", 100*cs/raw, raw
}'
