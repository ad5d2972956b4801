#!/usr/bin/env bash
# Installs what Crosswalk needs from Debian 12 packages, skipping those already
# there. Usage: scripts/deps.sh [build|test|bench]  (test and bench add tools)
set -euo pipefail

kind=${1:-build}
packages=(build-essential cmake pkg-config git ca-certificates
          libmicrohttpd-dev libcjson-dev libsqlite3-dev libssl-dev libarchive-dev
          libcurl4-openssl-dev zlib1g-dev libpcre2-dev)
case "$kind" in
  build) ;;
  test)  packages+=(check clang-format curl zip python3-oauthlib) ;;
  bench) packages+=(wrk nginx-light curl) ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 3; }
  sudo=sudo
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
