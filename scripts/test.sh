#!/usr/bin/env bash
# The whole test suite, from a bare Debian 12: installs dependencies, checks
# style gates, builds warning-free with -Werror and runs every test, runs the
# store-dependent tests again on a throwaway PostgreSQL cluster
# (scripts/pg-test-cluster.sh), then runs everything again under
# AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=$(nproc 2>/dev/null || echo 2)

scripts/deps.sh test

echo "== style gates"
banned=$(grep -rnE '\b(sprintf|vsprintf|strcpy|strcat|strtok|gets|atoi)\s*\(' \
           gateway tests --include='*.c' --include='*.h' || true)
if [ -n "$banned" ]; then
  echo "banned functions (see STYLE.md):"; echo "$banned"; exit 1
fi
find gateway tests -name '*.[ch]' -print0 | xargs -0 clang-format --dry-run --Werror

run_suite() {
  local dir=$1; shift
  echo "== build $dir ($*)"
  cmake -S "$root" -B "$dir" -DCW_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs" >/dev/null
  echo "== test $dir"
  (cd "$dir" && ctest --output-on-failure -j "$jobs")
}

run_suite build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo
# The store unit tests and the integration suites the PostgreSQL backend
# supports (tests/integration/main.c lists them), each test on a database of
# its own; plain build only, to keep CI time down.
echo "== test build/test on PostgreSQL"
scripts/pg-test-cluster.sh run \
  ctest --test-dir build/test --output-on-failure -j "$jobs" \
        -R '^(unit_store|integration)$'
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build/sanitize -DCMAKE_BUILD_TYPE=Debug -DCW_SANITIZE=ON
echo "== all tests passed"
