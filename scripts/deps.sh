#!/usr/bin/env bash
# Installs what Crosswalk needs from Debian 12 packages, skipping those already
# there, and the pinned npm packages of tools/node (the JSON-LD contexts the
# build embeds, the Node interop scripts). Usage: scripts/deps.sh
# [build|test|bench]  (test and bench add tools; every kind builds)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

kind=${1:-build}
packages=(build-essential cmake pkg-config git ca-certificates
          libmicrohttpd-dev libcjson-dev libsqlite3-dev libssl-dev libarchive-dev
          libcurl4-openssl-dev zlib1g-dev libpcre2-dev libsodium-dev libxml2-dev
          tzdata)
case "$kind" in
  build) ;;
  test)  packages+=(check clang-format curl zip python3-oauthlib) ;;
  bench) packages+=(wrk nginx-light curl) ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac
# Node.js and npm: Debian's (Node 18) unless a node and npm are already on
# PATH (another nodejs package may bundle npm and conflict with Debian's).
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

# npm ci when tools/node/node_modules is missing or older than the lock file.
npm_install() {
  local dir="$root/tools/node"
  if [ -f "$dir/node_modules/.package-lock.json" ] &&
     [ ! "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    return 0
  fi
  echo "Installing the npm packages of tools/node (npm ci)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  npm_install
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 3; }
  sudo=sudo
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
npm_install
