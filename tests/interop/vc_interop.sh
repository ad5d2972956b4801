#!/usr/bin/env bash
# Interoperability of crosswalk's signer and verifier with independent Node
# implementations (tools/node: the Digital Bazaar stack in vc-interop.mjs,
# `jose` in jwt-interop.mjs), offline, from the fixtures of tests/interop/data
# alone (no ../shared):
#   1. crosswalk signs (eddsa-rdfc-2022; a sealed key file and a PEM key),
#      @digitalbazaar/vc verifies; tampered copies fail in both.
#   2. Node signs (eddsa-rdfc-2022, did:key), crosswalk verifies.
#   3. Node signs a VC 1.1 credential (Ed25519Signature2020), crosswalk
#      verifies.
#   4. VC-JWT both ways: crosswalk (EdDSA, RS256, ES256) -> jose, and jose
#      (RS256, ES256, EdDSA; jwk header) -> crosswalk; a flipped signature
#      fails.
#   5. Differential canonicalization: generated OB 3.0 variants, crosswalk
#      jsonld canonize --safe against jsonld.js (RDFC-1.0), byte for byte.
#   7. did:web: a did:web issuer's credential (crosswalk badge issue), its
#      DID document as the daemon serves it; @digitalbazaar/vc resolves the
#      did:web from that file and verifies, and refuses a tampered copy.
# Each check prints PASS/FAIL NAME; the last line is "N passed, N failed".
# Fails when node or tools/node/node_modules is missing (scripts/deps.sh
# build installs them).
# Usage: vc_interop.sh CROSSWALK SOURCE_DIR [NODE]
set -uo pipefail

cw=${1:?usage: vc_interop.sh CROSSWALK SOURCE_DIR [NODE]}
root=${2:?usage: vc_interop.sh CROSSWALK SOURCE_DIR [NODE]}
node=${3:-node}
# Absolute paths: some commands run in the temporary directory.
root=$(cd "$root" && pwd) || exit 1
case "$cw" in /*) ;; */*) cw="$PWD/$cw" ;; esac
case "$node" in */*) case "$node" in /*) ;; *) node="$PWD/$node" ;; esac ;; esac
tools="$root/tools/node"
data="$root/tests/interop/data"
helper="$root/tests/interop/interop_helper.mjs"

if ! command -v "$node" >/dev/null 2>&1; then
  echo "vc_interop: FAIL: $node not found (run scripts/deps.sh build)" >&2
  exit 1
fi
if [ ! -f "$tools/node_modules/.package-lock.json" ] ||
   [ ! -d "$tools/node_modules/jose" ]; then
  echo "vc_interop: FAIL: tools/node/node_modules is missing or out of" \
       "date (run scripts/deps.sh build)" >&2
  exit 1
fi
if [ ! -x "$cw" ]; then
  echo "vc_interop: FAIL: $cw is not an executable" >&2
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cw-vc-interop-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS: $1"; }
fail() { # NAME [DETAIL FILE]
  failed=$((failed + 1)); echo "FAIL: $1"
  if [ -n "${2:-}" ] && [ -s "$2" ]; then sed 's/^/  /' "$2"; fi
}
check() { # NAME COMMAND...: the command must succeed
  local name=$1; shift
  if "$@" >"$tmp/out" 2>&1; then pass "$name"; else fail "$name" "$tmp/out"; fi
}
refuse() { # NAME COMMAND...: the command must fail with exit 1
  local name=$1 rc=0; shift
  "$@" >"$tmp/out" 2>&1 || rc=$?
  if [ "$rc" -eq 1 ]; then
    pass "$name"
  else
    echo "(exit $rc, expected 1)" >>"$tmp/out"
    fail "$name" "$tmp/out"
  fi
}
# line_of OUTPUT FILE: the JSON line of FILE in a verifier's output.
line_of() { grep -F "{\"file\":\"$2\"," "$1" | head -n 1; }
# verified OUTPUT FILE / not_verified OUTPUT FILE: what the line says.
verified() {
  local line; line=$(line_of "$1" "$2")
  echo "${line:-no line for $2}"
  case "$line" in *'"verified":true'*) return 0 ;; *) return 1 ;; esac
}
not_verified() {
  local line; line=$(line_of "$1" "$2")
  echo "${line:-no line for $2}"
  case "$line" in *'"verified":false'*) return 0 ;; *) return 1 ;; esac
}
# credential TEMPLATE DID OUT: a fixture with its issuer set to DID.
credential() { sed "s|@ISSUER@|$2|g" "$1" >"$3"; }
# tamper IN OUT FROM TO: a copy with one text changed (which must be there).
tamper() {
  grep -qF "$3" "$1" || { echo "tamper: no \"$3\" in $1" >&2; return 1; }
  sed "s|$3|$4|" "$1" >"$2"
}
# flip_sig IN OUT: a compact JWS with one character in the middle of its
# signature changed (six bits of the signature's bytes).
flip_sig() {
  local jwt sig mid c
  jwt=$(tr -d '\n' <"$1")
  sig=${jwt##*.}
  mid=$(( ${#sig} / 2 ))
  c=${sig:mid:1}
  if [ "$c" = A ]; then c=B; else c=A; fi
  printf '%s.%s%s%s\n' "${jwt%.*}" "${sig:0:mid}" "$c" "${sig:mid+1}" >"$2"
}
interop() { "$node" "$tools/vc-interop.mjs" "$@"; }
jwt_interop() { "$node" "$tools/jwt-interop.mjs" "$@"; }
setup_fail() { echo "vc_interop: setup failed: $1" >&2; cat "$tmp/out" >&2; exit 1; }

ob3="$data/ob3-credential.json"
vc11="$data/vc11-credential.json"
# Ed25519 seeds: A for the PEM key crosswalk signs with, B for Node.
seed_a=4f8e2c1d9b7a60553e1f0c2d4b6a8e9f1d3c5b7a9e0f2d4c6b8a0e1f3d5c7b9a
seed_b=a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff00
created=2024-09-02T08:31:00Z

# Keys: a data dir with ed25519, rsa and p256 key files; the seeds' PEM
# keys and DIDs.
d="$tmp/data-dir"
"$cw" init --data-dir "$d" >"$tmp/out" 2>&1 || setup_fail "crosswalk init"
for type in ed25519 rsa p256; do
  "$cw" keys generate --type "$type" --out "$tmp/$type.key" --json \
    --data-dir "$d" >"$tmp/$type.keyinfo" 2>"$tmp/out" ||
    setup_fail "crosswalk keys generate --type $type"
done
did_file=$(sed -n 's/.*"did":"\([^"]*\)".*/\1/p' "$tmp/ed25519.keyinfo")
[ -n "$did_file" ] || setup_fail "no did in keys generate --json"
"$node" "$helper" seed-key "$seed_a" "$tmp/a.pem" "$seed_b" "$tmp/b.pem" \
  >"$tmp/dids" 2>"$tmp/out" || setup_fail "interop_helper seed-key"
did_a=$(sed -n 1p "$tmp/dids")
did_b=$(sed -n 2p "$tmp/dids")
vm_b="$did_b#${did_b#did:key:}"

echo "== 1. crosswalk signs (eddsa-rdfc-2022), @digitalbazaar/vc verifies"
credential "$ob3" "$did_file" "$tmp/ob3-file.json"
credential "$ob3" "$did_a" "$tmp/ob3-pem.json"
check "crosswalk signs with a sealed ed25519 key file" \
  sh -c '"$1" vc sign --key "$2" --data-dir "$3" --created "$4" "$5" >"$6"' \
  sh "$cw" "$tmp/ed25519.key" "$d" "$created" "$tmp/ob3-file.json" \
  "$tmp/cw-file.json"
check "crosswalk signs with a PKCS#8 PEM key (no data dir)" \
  sh -c '"$1" vc sign --key "$2" "$3" >"$4"' \
  sh "$cw" "$tmp/a.pem" "$tmp/ob3-pem.json" "$tmp/cw-pem.json"
tamper "$tmp/cw-file.json" "$tmp/cw-file-tampered.json" \
  '"name":"Soldering Fundamentals"' '"name":"Soldering Fundamentalz"'
tamper "$tmp/cw-pem.json" "$tmp/cw-pem-tampered.json" \
  '"name":"Crosswalk Interop Academy"' '"name":"Crosswalk Interop Academe"'
(cd "$tmp" && interop verify cw-file.json cw-pem.json cw-file-tampered.json \
  cw-pem-tampered.json) >"$tmp/node-verify1" 2>&1
check "Node verifies the key file's credential (full @digitalbazaar/vc)" \
  verified "$tmp/node-verify1" cw-file.json
check "Node verifies the PEM key's credential (full @digitalbazaar/vc)" \
  verified "$tmp/node-verify1" cw-pem.json
check "Node refuses the tampered key file's credential" \
  not_verified "$tmp/node-verify1" cw-file-tampered.json
check "Node refuses the tampered PEM key's credential" \
  not_verified "$tmp/node-verify1" cw-pem-tampered.json
check "crosswalk verifies both" \
  "$cw" vc verify "$tmp/cw-file.json" "$tmp/cw-pem.json"
refuse "crosswalk refuses the tampered key file's credential" \
  "$cw" vc verify "$tmp/cw-file-tampered.json"
refuse "crosswalk refuses the tampered PEM key's credential" \
  "$cw" vc verify "$tmp/cw-pem-tampered.json"

echo "== 2. Node signs (eddsa-rdfc-2022, did:key), crosswalk verifies"
credential "$ob3" "$did_b" "$tmp/ob3-node.json"
check "Node signs an OB 3.0 credential (eddsa-rdfc-2022)" \
  sh -c '"$1" "$2" sign --seed "$3" --vm "$4" --created "$5" "$6" >"$7"' \
  sh "$node" "$tools/vc-interop.mjs" "$seed_b" "$vm_b" "$created" \
  "$tmp/ob3-node.json" "$tmp/node-di.json"
check "crosswalk verifies Node's eddsa-rdfc-2022 credential" \
  "$cw" vc verify "$tmp/node-di.json"
tamper "$tmp/node-di.json" "$tmp/node-di-tampered.json" \
  '"id": "did:example:learner-4412"' '"id": "did:example:learner-4413"'
refuse "crosswalk refuses it tampered (subject id)" \
  "$cw" vc verify "$tmp/node-di-tampered.json"

echo "== 3. Node signs VC 1.1 (Ed25519Signature2020), crosswalk verifies"
credential "$vc11" "$did_b" "$tmp/vc11.json"
check "Node signs a VC 1.1 credential (Ed25519Signature2020)" \
  sh -c '"$1" "$2" sign --suite ed25519-2020 --seed "$3" --vm "$4" \
           --created "$5" "$6" >"$7"' \
  sh "$node" "$tools/vc-interop.mjs" "$seed_b" "$vm_b" "$created" \
  "$tmp/vc11.json" "$tmp/node-2020.json"
check "crosswalk verifies Node's Ed25519Signature2020 credential" \
  "$cw" vc verify "$tmp/node-2020.json"
tamper "$tmp/node-2020.json" "$tmp/node-2020-tampered.json" \
  '"issuanceDate": "2023-03-14T15:09:26Z"' \
  '"issuanceDate": "2023-03-14T15:09:27Z"'
refuse "crosswalk refuses it tampered (issuanceDate)" \
  "$cw" vc verify "$tmp/node-2020-tampered.json"

echo "== 4. VC-JWT: crosswalk <-> jose"
for type in ed25519 rsa p256; do
  check "crosswalk signs a VC-JWT with the $type key" \
    sh -c '"$1" vc sign --format jwt --key "$2" --data-dir "$3" "$4" >"$5"' \
    sh "$cw" "$tmp/$type.key" "$d" "$tmp/ob3-file.json" "$tmp/cw-$type.jwt"
done
flip_sig "$tmp/cw-ed25519.jwt" "$tmp/cw-ed25519-flipped.jwt"
(cd "$tmp" && jwt_interop verify --credential ob3-file.json \
  --key ed25519.key --alg EdDSA cw-ed25519.jwt cw-ed25519-flipped.jwt \
  --key rsa.key --alg RS256 cw-rsa.jwt \
  --key p256.key --alg ES256 cw-p256.jwt) >"$tmp/jose-verify" 2>&1
for pair in ed25519:EdDSA rsa:RS256 p256:ES256; do
  type=${pair%:*} alg=${pair#*:}
  check "jose verifies crosswalk's $alg VC-JWT (alg, typ JWT, iss/jti/nbf/sub, payload)" \
    verified "$tmp/jose-verify" "cw-$type.jwt"
done
check "jose refuses crosswalk's EdDSA VC-JWT with a flipped signature" \
  not_verified "$tmp/jose-verify" cw-ed25519-flipped.jwt
# badges.md §2.3: the header names its key by kid or carries it as jwk.
names_key() {
  local line; line=$(line_of "$tmp/jose-verify" "$1")
  echo "${line:-no line for $1}"
  case "$line" in *'"header":{'*'"kid":'*|*'"header":{'*'"jwk":'*) ;;
    *) echo "the header has neither kid nor jwk (badges.md §2.3)"; return 1 ;;
  esac
}
for pair in ed25519:EdDSA rsa:RS256 p256:ES256; do
  type=${pair%:*} alg=${pair#*:}
  check "crosswalk's $alg VC-JWT header has kid or jwk" names_key "cw-$type.jwt"
  check "crosswalk verifies its own $alg VC-JWT" \
    "$cw" vc verify "$tmp/cw-$type.jwt"
done
for alg in RS256 ES256 EdDSA; do
  check "jose signs a VC-JWT ($alg, jwk header, typ JWT)" \
    sh -c '"$1" "$2" sign --alg "$3" "$4" >"$5"' \
    sh "$node" "$tools/jwt-interop.mjs" "$alg" "$tmp/ob3-node.json" \
    "$tmp/jose-$alg.jwt"
  check "crosswalk verifies jose's $alg VC-JWT" \
    "$cw" vc verify "$tmp/jose-$alg.jwt"
  flip_sig "$tmp/jose-$alg.jwt" "$tmp/jose-$alg-flipped.jwt"
  refuse "crosswalk refuses jose's $alg VC-JWT with a flipped signature" \
    "$cw" vc verify "$tmp/jose-$alg-flipped.jwt"
done

echo "== 5. Differential canonicalization (crosswalk vs jsonld.js RDFC-1.0)"
mkdir -p "$tmp/variants" "$tmp/nq-node" "$tmp/nq-cw"
variant_seed=20240902 variant_count=30
"$node" "$helper" variants "$variant_seed" "$variant_count" "$tmp/variants" >"$tmp/out" 2>&1 ||
  setup_fail "interop_helper variants"
interop canonize --out-dir "$tmp/nq-node" "$tmp/variants"/*.json \
  >"$tmp/node-canon.log" 2>&1
for file in "$tmp/variants"/*.json; do
  name=$(basename "$file" .json)
  if ! "$cw" jsonld canonize --safe "$file" >"$tmp/nq-cw/$name.nq" \
       2>"$tmp/nq-cw/$name.err"; then
    fail "canonize $name: crosswalk failed" "$tmp/nq-cw/$name.err"
  elif [ -f "$tmp/nq-node/$name.err" ]; then
    fail "canonize $name: Node failed" "$tmp/nq-node/$name.err"
  elif diff -u --label "node $name" --label "crosswalk $name" \
         "$tmp/nq-node/$name.nq" "$tmp/nq-cw/$name.nq" >"$tmp/out"; then
    pass "canonize $name (crosswalk = jsonld.js)"
  else
    { echo "input: node tests/interop/interop_helper.mjs variants" \
        "$variant_seed $variant_count DIR; DIR/$name.json"; cat "$tmp/out"
    } >"$tmp/detail"
    fail "canonize $name: crosswalk and jsonld.js differ" "$tmp/detail"
  fi
done

echo "== 6. numbers JSON-LD processors canonicalize differently"
# JSON-LD 1.1 makes 1e-7 "1.0E-7"^^xsd:double; jsonld.js writes "0" (no '.'
# in JavaScript's "1e-7"). A proof over it would not verify in Node, so
# crosswalk refuses to sign it, naming the number.
sed 's/"achievement": *{/&"creditsAvailable":1e-7,/' \
  "$tmp/ob3-pem.json" >"$tmp/tiny.json"
grep -q '"creditsAvailable":1e-7' "$tmp/tiny.json" ||
  setup_fail "no achievement in the OB 3.0 fixture"
if "$cw" vc sign --key "$tmp/a.pem" "$tmp/tiny.json" >"$tmp/out" 2>&1; then
  fail "crosswalk refuses to sign 1e-7" "$tmp/out"
elif grep -q 'creditsAvailable is between 0 and 1e-6' "$tmp/out"; then
  pass "crosswalk refuses to sign 1e-7, naming it"
else
  fail "crosswalk refuses to sign 1e-7, naming it" "$tmp/out"
fi

echo "== 7. did:web: crosswalk issues, Node resolves the DID document (file)"
w="$tmp/web-dir"
"$cw" init --data-dir "$w" >"$tmp/out" 2>&1 || setup_fail "init (did:web)"
printf '\npublic_base_url = https://issuer.example\n' >>"$w/crosswalk.conf"
"$cw" tenant add d1 --data-dir "$w" >"$tmp/out" 2>&1 ||
  setup_fail "tenant add"
web=$("$cw" issuer add --tenant d1 --name "Web Issuer" --did-web \
  --data-dir "$w" 2>"$tmp/out") || setup_fail "issuer add --did-web"
cat >"$tmp/web-ach.json" <<'JSON'
{"id": "https://issuer.example/achievements/web", "type": ["Achievement"],
 "name": "Web badge", "description": "Issued by a did:web issuer.",
 "criteria": {"narrative": "Took part."}, "achievementType": "Badge"}
JSON
"$cw" achievement add --tenant d1 --issuer "$web" "$tmp/web-ach.json" \
  --data-dir "$w" >"$tmp/out" 2>&1 || setup_fail "achievement add"
"$cw" badge issue --tenant d1 --achievement \
  https://issuer.example/achievements/web --recipient a@example.org \
  --data-dir "$w" >"$tmp/web.json" 2>"$tmp/out" || setup_fail "badge issue"
"$cw" serve --listen 127.0.0.1:0 --data-dir "$w" >"$tmp/serve.log" 2>&1 &
serve_pid=$!
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' \
    "$tmp/serve.log" | head -n 1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] && curl -sf \
  "http://127.0.0.1:$port/badges/d1/issuers/$web/did.json" >"$tmp/did.json"
kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null
[ -s "$tmp/did.json" ] || setup_fail "the daemon served no did.json"
tamper "$tmp/web.json" "$tmp/web-tampered.json" \
  '"name":"Web badge"' '"name":"Web badgf"'
(cd "$tmp" && interop verify --did-doc did.json web.json web-tampered.json) \
  >"$tmp/node-web" 2>&1
check "the credential names a did:web verification method" \
  grep -q '"verificationMethod":"did:web:issuer.example:badges:d1:issuers:' \
  "$tmp/web.json"
check "Node verifies it, resolving did:web from the DID document" \
  verified "$tmp/node-web" web.json
check "Node refuses it tampered" not_verified "$tmp/node-web" web-tampered.json
mkdir -p "$tmp/map/badges/d1/issuers/$web"
cp "$tmp/did.json" "$tmp/map/badges/d1/issuers/$web/did.json"
check "crosswalk verifies it, did:web served by --map" \
  "$cw" vc verify --map "https://issuer.example/=$tmp/map" "$tmp/web.json"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
