#!/usr/bin/env bash
# The main job, from a fresh Debian machine: installs what is missing, builds, and runs.
#
# Until the gateway and supervisor executables land, the main job is the AuthCore decision
# demo: a service with its own request type putting calls through the auth decision.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

"$here/scripts/setup.sh"
swift build --product AuthDecisionDemo
swift run --skip-build AuthDecisionDemo
