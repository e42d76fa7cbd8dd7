#!/usr/bin/env bash
# Everything a fresh Debian 12 machine needs to build and test leaflets. Safe to run again.
#
# Debian's own Python refuses `pip install` outside a virtual environment (PEP 668), so leaflets
# and its test tools go into a project virtual environment, .venv/ (override with VENV=…), made
# with $PYTHON (default: python3, whichever the machine has). The Makefile runs everything with
# .venv/bin/python. The Debian packages the tests need (a browser, PDF tools, WeasyPrint's Pango,
# venv support for Debian's Python) are installed with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

apt_packages=(
  chromium                      # headless browser tests (Playwright drives Debian's build: no download)
  poppler-utils qpdf ghostscript  # independent opinions on the PDFs in the tests
  libpango-1.0-0 libpangoft2-1.0-0 fontconfig  # WeasyPrint's text layout
  python3-venv                  # `python3 -m venv` with pip, for Debian's own Python
)
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

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
  echo "setup: creating the virtual environment $VENV with $("$PYTHON" --version 2>&1) ($(command -v "$PYTHON"))"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
fi
echo "setup: installing leaflets and its test tools into $VENV with pip"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[test]'
