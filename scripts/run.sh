#!/usr/bin/env bash
# The main job on this machine, from a fresh Debian install: installs what is missing, builds,
# makes a development PKI, starts a development OIDC issuer and the gateway with mutual TLS,
# creates a sandbox as a user, runs the sandbox supervisor for it, and shows the user reading
# the sandbox's policy status and logs.
#
#   scripts/run.sh            run the whole sequence once, then stop everything
#   scripts/run.sh --serve    leave the gateway and the supervisor running until Ctrl-C
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
serve=false
[ "${1:-}" = "--serve" ] && serve=true

"$here/scripts/setup.sh"
echo "==> building"
swift build --product openshell-gateway
swift build --product openshell-sandbox
swift build --product user-client
bin=$(swift build --show-bin-path)

work="$here/.run"
rm -rf "$work"
mkdir -p "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

wait_for_line() {  # FILE PREFIX: print the first line of FILE starting with PREFIX
  for _ in $(seq 1 200); do
    line=$(grep -m1 "^$2" "$1" 2>/dev/null || true)
    if [ -n "$line" ]; then echo "$line"; return 0; fi
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1" >&2
  return 1
}

echo "==> making a development PKI (CA, server, user alice, sandbox demo)"
"$bin/openshell-gateway" generate-certs --output-dir "$work/pki" --user alice --sandbox demo

echo "==> starting the development OIDC issuer"
python3 scripts/dev-issuer.py serve --state-dir "$work/issuer" >"$work/issuer.out" 2>"$work/issuer.log" &
pids+=($!)
issuer=$(wait_for_line "$work/issuer.out" "issuer " | cut -d' ' -f2)
echo "    issuer $issuer"

echo "==> starting the gateway (TLS, client certificates optional, OIDC)"
"$bin/openshell-gateway" --port 0 --state-dir "$work/state" \
  --tls-cert "$work/pki/server.pem" --tls-key "$work/pki/server-key.pem" \
  --tls-client-ca "$work/pki/ca.pem" --oidc-issuer "$issuer" --require-sandbox-identity \
  >"$work/gateway.out" 2>"$work/gateway.log" &
pids+=($!)
gateway_pid=$!
address=$(wait_for_line "$work/gateway.out" "listening on " | cut -d' ' -f3)
port=${address##*:}
endpoint="https://localhost:$port"
echo "    gateway $endpoint (log: $work/gateway.log)"

export OPENSHELL_ENDPOINT="$endpoint" OPENSHELL_TLS_CA="$work/pki/ca.pem"
token=$(python3 scripts/dev-issuer.py token --state-dir "$work/issuer" --issuer "$issuer" \
  --user alice --role openshell-admin)

echo "==> a call without a token is refused"
"$bin/user-client" list-sandboxes || true

echo "==> alice creates sandbox 'demo' with her Bearer token"
# The gateway loads the issuer's keys in the background; retry while it answers UNAVAILABLE.
for attempt in $(seq 1 50); do
  if out=$(OPENSHELL_TOKEN="$token" "$bin/user-client" create-sandbox demo 2>&1); then
    echo "$out"; break
  fi
  case "$out" in *UNAVAILABLE*) sleep 0.2 ;; *) echo "$out" >&2; exit 1 ;; esac
done

cat >"$work/policy.json" <<'JSON'
{
  "version": 1,
  "filesystem": {"include_workdir": true, "read_only": ["/usr", "/lib"], "read_write": ["/tmp"]},
  "network_policies": {
    "pypi": {"name": "pypi", "endpoints": [{"host": "pypi.org", "port": 443}],
             "binaries": [{"path": "/usr/bin/python3"}]}
  }
}
JSON

echo "==> the supervisor for 'demo' starts up over mutual TLS (no token, no shared secret)"
supervisor=("$bin/openshell-sandbox" --sandbox-id demo --policy "$work/policy.json"
  --tls-cert "$work/pki/sandbox-demo.pem" --tls-key "$work/pki/sandbox-demo-key.pem")
"${supervisor[@]}" --once

echo "==> alice reads the sandbox's policy status and logs"
OPENSHELL_TOKEN="$token" "$bin/user-client" policy-status demo
OPENSHELL_TOKEN="$token" "$bin/user-client" logs demo

echo "==> refusals the gateway logged"
grep "call refused" "$work/gateway.log" | sed 's/^/    /' || true

if $serve; then
  echo "==> serving: the gateway and the supervisor keep running; Ctrl-C stops both"
  "${supervisor[@]}" &
  pids+=($!)
  # Wait on these two only: Ctrl-C stops them, but the issuer, a background job of this
  # script, ignores SIGINT, so a bare `wait` would never return. The EXIT trap stops it.
  wait "$gateway_pid" "$!" || true
fi
echo "==> done"
