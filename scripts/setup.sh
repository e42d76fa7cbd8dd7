#!/usr/bin/env bash
# Everything a fresh Debian 12 machine needs to build and test leaflets. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(chromium poppler-utils qpdf ghostscript)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON=${PYTHON:-python3}
echo "setup: installing leaflets and its test tools with pip"
"$PYTHON" -m pip install -q --disable-pip-version-check -e '.[test]'
