#!/usr/bin/env bash
# The project's test command: installs what the tests need, checks formatting, builds and
# runs every test. Exits non-zero when anything fails.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

"$here/scripts/setup.sh"

echo "test: swift format lint"
swift format lint --strict --recursive Package.swift Sources Tests Examples 2>&1 | tee /tmp/openshell-lint.log
if [ -s /tmp/openshell-lint.log ]; then
  echo "test: swift format lint found problems (run: swift format --in-place --recursive Sources Tests Examples)" >&2
  exit 1
fi

echo "test: swift test"
swift test --parallel
