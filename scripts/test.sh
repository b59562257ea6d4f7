#!/usr/bin/env bash
# The project's test command: installs what the tests need, checks formatting, builds and
# runs every test. Exits non-zero when anything fails.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

"$here/scripts/setup.sh"

echo "test: swift format lint"
lint_paths=(Package.swift)
for dir in Sources Tests Examples Benchmarks; do [ -d "$dir" ] && lint_paths+=("$dir"); done
if ! swift format lint --strict --recursive "${lint_paths[@]}"; then
  echo "test: swift format lint found problems;" \
    "fix them with: swift format --in-place --recursive ${lint_paths[*]}" >&2
  exit 1
fi

# The transport's tests hold TLS handshakes and keepalives to deadlines of a few seconds; they
# run on their own after the rest, so the other suites' child processes (gateways, Python
# peers) do not crowd them on a small machine.
echo "test: swift test (all suites but the transport's)"
swift test --skip GRPCTransportTests
echo "test: swift test (the transport's suites)"
swift test --skip-build --filter GRPCTransportTests
