#!/usr/bin/env bash
# Checks tools/node/vc-interop.mjs, the independent verifier crosswalk's
# credentials are tested with, against the published test vectors of
# ../shared/fixtures/badges: their proofs verify, a tampered copy does not,
# signing the OB 3.0 vector's credential with its key reproduces its proof
# exactly, canonical N-Quads match. Skips without ../shared; fails when node
# or tools/node/node_modules is missing (scripts/deps.sh build installs them).
# Usage: node_selfcheck.sh SOURCE_DIR [NODE]
set -euo pipefail

root=${1:?usage: node_selfcheck.sh SOURCE_DIR [NODE]}
node=${2:-node}
fixtures="$root/../shared/fixtures/badges"
tool="$root/tools/node/vc-interop.mjs"

if [ ! -d "$fixtures" ]; then
  echo "node_selfcheck: skipped (no $fixtures)"
  exit 0
fi
if ! command -v "$node" >/dev/null; then
  echo "node_selfcheck: FAIL: $node not found (run scripts/deps.sh build)" >&2
  exit 1
fi
if [ ! -f "$root/tools/node/node_modules/.package-lock.json" ]; then
  echo "node_selfcheck: FAIL: tools/node/node_modules is missing" \
       "(run scripts/deps.sh build)" >&2
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cw-node-selfcheck-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() { # NAME COMMAND...: the command must succeed
  local name=$1; shift
  if "$@" >"$tmp/out" 2>&1; then
    passed=$((passed + 1)); echo "ok: $name"
  else
    failed=$((failed + 1)); echo "FAIL: $name"; sed 's/^/  /' "$tmp/out"
  fi
}
refuse() { # NAME COMMAND...: the command must fail with exit 1
  local name=$1 rc=0; shift
  "$@" >"$tmp/out" 2>&1 || rc=$?
  if [ "$rc" -eq 1 ]; then
    passed=$((passed + 1)); echo "ok: $name"
  else
    failed=$((failed + 1)); echo "FAIL: $name (exit $rc, expected 1)"
    sed 's/^/  /' "$tmp/out"
  fi
}
# field FILE EXPRESSION > OUT: a member of a JSON file (JavaScript expression
# over `v`), written as JSON, or as text when it is a string.
field() {
  "$node" -e 'const v = JSON.parse(require("fs").readFileSync(process.argv[1]));
              const x = eval(process.argv[2]);
              process.stdout.write(typeof x === "string" ? x : JSON.stringify(x));' \
    "$1" "$2"
}
interop() { "$node" "$tool" "$@"; }

ob3="$fixtures/ob3-1edtech-eddsa-rdfc-2022-vector.json"
clr="$fixtures/clr2-1edtech-eddsa-rdfc-2022-vector.json"
w3c="$fixtures/w3c-vc-di-eddsa-rdfc-2022-vector.json"
validator="$fixtures/ob3-validator-signed-credentials.json"
offline="$fixtures/jsonld-contexts-offline.json"
key=z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi
vm="https://example.edu/issuers/565049#$key"

# The W3C vector's examples/v2 context is in no package nor in the fixture:
# it is the @vocab that reproduces the vector's published document hash.
printf '%s\n' '{"contexts": {"https://www.w3.org/ns/credentials/examples/v2":
  {"@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}}}}' \
  >"$tmp/examples.json"

check "OB 3.0 vector verifies" interop verify --key "$vm=$key" "$ob3"
check "CLR 2.0 vector verifies (CLR context from --contexts)" \
  interop verify --contexts "$offline" --key "$vm=$key" "$clr"
refuse "CLR 2.0 vector without its context is refused" \
  interop verify --key "$vm=$key" "$clr"
# Its issuer is not its key's controller, a rule of @digitalbazaar/vc.
check "W3C vc-di-eddsa vector's proof verifies" \
  interop verify --proof-only --contexts "$tmp/examples.json" "$w3c"

field "$validator" v.simple >"$tmp/simple.json"
check "1EdTech validator 'simple' verifies" interop verify \
  --key "https://example.com/issuers/876543#$key=$key" "$tmp/simple.json"

field "$ob3" v.signedCredential >"$tmp/signed.json"
sed 's/Teamwork Badge/Teamwork Badgf/' "$tmp/signed.json" >"$tmp/tampered.json"
refuse "a tampered credential is refused" \
  interop verify --key "$vm=$key" "$tmp/tampered.json"

field "$ob3" v.unsignedCredential >"$tmp/unsigned.json"
seed=$(field "$ob3" v.key.privateKeySeedHex)
created=$(field "$ob3" v.proofOptions.created)
expected=$(field "$ob3" v.proofValue)
sign_reproduces() {
  interop sign --seed "$seed" --vm "$vm" --created "$created" \
    "$tmp/unsigned.json" >"$tmp/resigned.json" || return 1
  local got
  got=$(field "$tmp/resigned.json" v.proof.proofValue)
  echo "proofValue $got"
  [ "$got" = "$expected" ] || { echo "expected   $expected"; return 1; }
  "$node" -e 'const fs = require("fs"), util = require("util");
    const [a, b] = process.argv.slice(1).map(f => JSON.parse(fs.readFileSync(f)));
    process.exit(util.isDeepStrictEqual(a, b) ? 0 : 1);' \
    "$tmp/resigned.json" "$tmp/signed.json"
}
check "sign with the OB 3.0 vector's key reproduces its proof" sign_reproduces

canon_matches() { # VECTOR DOCUMENT [OPTIONS]
  local vector=$1 doc=$2; shift 2
  interop canonize "$@" "$doc" >"$tmp/canon.nq" || return 1
  field "$vector" v.canonicalDocumentNQuads >"$tmp/expected.nq"
  diff "$tmp/expected.nq" "$tmp/canon.nq"
}
check "canonize gives the OB 3.0 vector's N-Quads" \
  canon_matches "$ob3" "$tmp/unsigned.json"
field "$w3c" v.unsignedCredential >"$tmp/w3c-unsigned.json"
check "canonize gives the W3C vector's N-Quads" \
  canon_matches "$w3c" "$tmp/w3c-unsigned.json" --contexts "$tmp/examples.json"
check "the bench credential canonizes in safe mode" \
  interop canonize "$root/bench/data/ob3-bench-credential.json"

echo "node_selfcheck: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
