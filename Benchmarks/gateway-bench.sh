#!/usr/bin/env bash
# Calls per second through the whole gateway over TLS, loaded by h2load on loopback:
#
#   health   /openshell.v1.OpenShell/Health with no credentials (a public method): the
#            transport, the auth decision on the headers, the handler and the proto codec
#   bearer   /openshell.v1.OpenShell/ListSandboxes with a user's valid Bearer token: the same
#            plus token verification (the same token on every call, so after the first call
#            the verifier's cache answers), role checks and an SQLite read
#   grpc-go  the grpc-go anchor (Benchmarks/grpc-go-server) answering the same Health path
#            with a fixed response
#
# and, to show what carrying the token costs before any auth runs, the same Health calls with
# the bearer case's `authorization` header, which Health ignores:
#
#   health+token   our Health with the header
#   grpc-go+token  grpc-go's Health with the header
#
# h2load, like every nghttp2 encoder, never adds `authorization` to the HPACK table, so every
# call carries the whole token and both peers code it again; on a machine whose cores h2load
# shares with the server, that caps bearer/health for every server measured here.
#
# Paired runs rotate the order of the cases; the script prints each run, the medians, each
# server's CPU time per request (from /proc), and the ratios.
#
# Usage: Benchmarks/gateway-bench.sh [runs, default 5] [requests per run, default 20000]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
runs=${1:-5}
requests=${2:-20000}
if ! [[ "$runs" =~ ^[0-9]+$ && "$requests" =~ ^[0-9]+$ ]] || ((runs < 1 || runs > 20)) \
  || ((requests < 100 || requests > 200000)); then
  echo "usage: $0 [runs 1-20] [requests 100-200000]" >&2
  exit 2
fi
load=(-c 10 -m 10 -t 1)
health=/openshell.v1.OpenShell/Health
list=/openshell.v1.OpenShell/ListSandboxes

work=$(mktemp -d)
source Benchmarks/bench-lib.sh
trap 'bench_cleanup; rm -rf "$work"' EXIT

echo "==> building (release) and making certificates" >&2
swift build -c release --product openshell-gateway >&2
bin=$(swift build -c release --show-bin-path)
go_server=$(build_grpc_go_server)
"$bin/openshell-gateway" generate-certs --output-dir "$work/pki" >&2
pki=$work/pki

echo "==> starting the development issuer, the gateway and grpc-go" >&2
start_and_wait issuer 'issuer ' python3 scripts/dev-issuer.py serve --state-dir "$work/issuer"
issuer=${server_line#issuer }
start_server gateway "$bin/openshell-gateway" --tls-cert "$pki/server.pem" \
  --tls-key "$pki/server-key.pem" --tls-client-ca "$pki/ca.pem" --oidc-issuer "$issuer" \
  --port 0 --state-dir "$work/state" --log-level warning
gateway=$server_port gateway_pid=$server_pid
start_server grpc-go "$go_server" -cert "$pki/server.pem" -key "$pki/server-key.pem"
grpcgo=$server_port grpcgo_pid=$server_pid

# The token never reaches the output: it goes to grpcio and h2load as an argument only.
token=$(python3 scripts/dev-issuer.py token --state-dir "$work/issuer" --issuer "$issuer" \
  --user bench --role openshell-admin --role openshell-user --ttl 3600)
grpc_frame "$work/empty" 0
bearer=(-H "authorization: Bearer $token")
# Every answer must carry at least a gRPC message frame (5 bytes, for ListSandboxes' empty
# list); a refusal is trailers only, with no DATA at all.
min_data=5

echo "==> each target answers grpc-status 0 (the gateway loads its keys in the background)" >&2
check=(python3 Benchmarks/grpc_check.py --ca "$pki/ca.pem" --body "$work/empty")
"${check[@]}" --port "$gateway" --path "$list" --token "$token" --wait 30 >&2
"${check[@]}" --port "$gateway" --path "$health" >&2
"${check[@]}" --port "$grpcgo" --path "$health" >&2

# run_case NAME: one measurement of a case, "req/s cpu-us/req switches/req".
run_case() {
  case $1 in
  health) measure "$gateway" "$gateway_pid" "$health" "$work/empty" "$min_data" "$requests" \
    "${load[@]}" ;;
  bearer) measure "$gateway" "$gateway_pid" "$list" "$work/empty" "$min_data" "$requests" \
    "${load[@]}" "${bearer[@]}" ;;
  grpc-go) measure "$grpcgo" "$grpcgo_pid" "$health" "$work/empty" "$min_data" "$requests" \
    "${load[@]}" ;;
  health+token) measure "$gateway" "$gateway_pid" "$health" "$work/empty" "$min_data" \
    "$requests" "${load[@]}" "${bearer[@]}" ;;
  grpc-go+token) measure "$grpcgo" "$grpcgo_pid" "$health" "$work/empty" "$min_data" \
    "$requests" "${load[@]}" "${bearer[@]}" ;;
  esac
}

echo "==> warming up, then $runs runs of h2load -n $requests ${load[*]}" >&2
cases=(health bearer grpc-go health+token grpc-go+token)
for name in "${cases[@]}"; do run_case "$name" >/dev/null; done

declare -A rates cpu
orders=("health bearer grpc-go health+token grpc-go+token"
  "grpc-go+token health bearer grpc-go health+token"
  "health+token grpc-go+token health bearer grpc-go"
  "grpc-go health+token grpc-go+token health bearer"
  "bearer grpc-go health+token grpc-go+token health")
printf '%-4s %-24s %12s %12s %13s %14s %14s\n' run 'first case' 'health req/s' 'bearer req/s' \
  'grpc-go req/s' health/grpc-go bearer/health
for run in $(seq 1 "$runs"); do
  order=${orders[$(((run - 1) % ${#orders[@]}))]}
  declare -A now=()
  for name in $order; do
    result=($(run_case "$name"))
    now[$name]=${result[0]}
    rates[$name]+="${result[0]} "
    cpu[$name]+="${result[1]} "
  done
  printf '%-4s %-24s %12s %12s %13s %13sx %13sx\n' "$run" "${order%% *}" "${now[health]}" \
    "${now[bearer]}" "${now[grpc-go]}" "$(divide "${now[health]}" "${now[grpc-go]}")" \
    "$(divide "${now[bearer]}" "${now[health]}")"
done

declare -A med medcpu
for name in "${cases[@]}"; do
  med[$name]=$(median ${rates[$name]})
  medcpu[$name]=$(median ${cpu[$name]})
done
printf '%-29s %12s %12s %13s %13sx %13sx\n' median "${med[health]}" "${med[bearer]}" \
  "${med[grpc-go]}" "$(divide "${med[health]}" "${med[grpc-go]}")" \
  "$(divide "${med[bearer]}" "${med[health]}")"
printf '%-29s %9s us %9s us %10s us\n' 'server CPU per request' "${medcpu[health]}" \
  "${medcpu[bearer]}" "${medcpu[grpc-go]}"
echo
echo "carrying the token (the header alone, before any auth):"
printf '  %-34s %9s req/s  %6s us  %sx of Health\n' "ours, Health with the token" \
  "${med[health+token]}" "${medcpu[health+token]}" \
  "$(divide "${med[health+token]}" "${med[health]}")"
printf '  %-34s %9s req/s  %6s us  %sx of Health\n' "grpc-go, Health with the token" \
  "${med[grpc-go+token]}" "${medcpu[grpc-go+token]}" \
  "$(divide "${med[grpc-go+token]}" "${med[grpc-go]}")"
printf '  %-34s %sx\n' "bearer / (Health with the token)" \
  "$(divide "${med[bearer]}" "${med[health+token]}")"
