#!/usr/bin/env bash
# From a bare Debian 12 to a running gateway: installs dependencies, builds,
# initialises ./crosswalk-data (SQLite) with a demo tenant and its admin client,
# and runs `crosswalk serve` in the foreground (Ctrl-C stops it).
# Environment: CROSSWALK_DATA_DIR (default ./crosswalk-data),
#              LISTEN (default 127.0.0.1:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir=${CROSSWALK_DATA_DIR:-$PWD/crosswalk-data}
listen=${LISTEN:-127.0.0.1:8080}
bin=build/release/crosswalk

scripts/deps.sh build
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build/release -j "$(nproc 2>/dev/null || echo 2)" >/dev/null

"$bin" init --data-dir "$data_dir"
if ! "$bin" tenant list --data-dir "$data_dir" | grep -q '^demo '; then
  "$bin" tenant add demo --data-dir "$data_dir"
  echo
  echo "Demo tenant admin client (roster, gradebook and CASE read scopes too):"
  or=https://purl.imsglobal.org/spec/or/v1p2/scope
  case_read=http://purl.imsglobal.org/casenetwork/case/v1p0/scope/core.readonly
  "$bin" client add --data-dir "$data_dir" --tenant demo \
    --scope "urn:crosswalk:scope:admin $or/roster.readonly $or/gradebook.readonly $case_read"
fi
echo
echo "Try:  curl http://$listen/healthz"
echo "      curl -u CLIENT_ID:CLIENT_SECRET -d grant_type=client_credentials http://$listen/oauth/token"
echo
exec "$bin" serve --data-dir "$data_dir" --listen "$listen"
