#!/usr/bin/env bash
# The whole test suite, from a bare Debian 12: installs dependencies, checks
# style gates, builds warning-free with -Werror and runs every test, then does
# it again under AddressSanitizer + UndefinedBehaviorSanitizer.
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
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build/sanitize -DCMAKE_BUILD_TYPE=Debug -DCW_SANITIZE=ON
echo "== all tests passed"
