#!/usr/bin/env bash
# Unary calls per second over TLS: GRPCTransport (transport-bench-server) next to grpc-go
# (Benchmarks/grpc-go-server), both echoing the same 100-byte message on /bench.Echo/Unary
# with the same certificate, loaded by h2load on loopback. Paired runs alternate which server
# goes first; the script prints each run, the medians and the ratio ours/grpc-go, with each
# server's CPU time and context switches per request (from /proc), then one run each with a
# single call in flight (-c 1 -m 1) to show the per-call latency.
#
# Usage: Benchmarks/transport-bench.sh [runs, default 5] [requests per run, default 20000]
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
path=/bench.Echo/Unary
size=100

work=$(mktemp -d)
source Benchmarks/bench-lib.sh
trap 'bench_cleanup; rm -rf "$work"' EXIT

echo "==> building (release) and making certificates" >&2
swift build -c release --product transport-bench-server >&2
swift build -c release --product openshell-gateway >&2
bin=$(swift build -c release --show-bin-path)
go_server=$(build_grpc_go_server)
"$bin/openshell-gateway" generate-certs --output-dir "$work/pki" >&2
cert=$work/pki/server.pem
key=$work/pki/server-key.pem

start_server ours "$bin/transport-bench-server" "$cert" "$key"
ours=$server_port ours_pid=$server_pid
start_server grpc-go "$go_server" -cert "$cert" -key "$key"
grpcgo=$server_port grpcgo_pid=$server_pid
grpc_frame "$work/body" "$size"
min_data=$((5 + size))  # each answer echoes the whole frame

echo "==> each server answers grpc-status 0 with the request's bytes" >&2
for port in "$ours" "$grpcgo"; do
  python3 Benchmarks/grpc_check.py --port "$port" --ca "$work/pki/ca.pem" --path "$path" \
    --body "$work/body" --expect-echo >&2
done

echo "==> warming up, then $runs paired runs of h2load -n $requests ${load[*]}" >&2
h2load_rate "$ours" "$path" "$work/body" "$min_data" -n "$requests" "${load[@]}" >/dev/null
h2load_rate "$grpcgo" "$path" "$work/body" "$min_data" -n "$requests" "${load[@]}" >/dev/null

# Each measurement is "req/s cpu-us/req switches/req" (see measure in bench-lib.sh).
ours_rates=() grpcgo_rates=() ours_cpu=() grpcgo_cpu=() ours_switches=() grpcgo_switches=()
printf '%-4s %-8s %12s %14s %13s %10s %13s\n' run first 'ours req/s' 'grpc-go req/s' \
  ours/grpc-go 'ours CPU' 'grpc-go CPU'
for run in $(seq 1 "$runs"); do
  if ((run % 2)); then
    first=ours
    a=($(measure "$ours" "$ours_pid" "$path" "$work/body" "$min_data" "$requests" "${load[@]}"))
    b=($(measure "$grpcgo" "$grpcgo_pid" "$path" "$work/body" "$min_data" "$requests" "${load[@]}"))
  else
    first=grpc-go
    b=($(measure "$grpcgo" "$grpcgo_pid" "$path" "$work/body" "$min_data" "$requests" "${load[@]}"))
    a=($(measure "$ours" "$ours_pid" "$path" "$work/body" "$min_data" "$requests" "${load[@]}"))
  fi
  ours_rates+=("${a[0]}") ours_cpu+=("${a[1]}") ours_switches+=("${a[2]}")
  grpcgo_rates+=("${b[0]}") grpcgo_cpu+=("${b[1]}") grpcgo_switches+=("${b[2]}")
  printf '%-4s %-8s %12s %14s %12sx %7s us %10s us\n' "$run" "$first" "${a[0]}" "${b[0]}" \
    "$(divide "${a[0]}" "${b[0]}")" "${a[1]}" "${b[1]}"
done
ours_median=$(median "${ours_rates[@]}")
grpcgo_median=$(median "${grpcgo_rates[@]}")
printf '%-13s %12s %14s %12sx %7s us %10s us\n' median "$ours_median" "$grpcgo_median" \
  "$(divide "$ours_median" "$grpcgo_median")" "$(median "${ours_cpu[@]}")" \
  "$(median "${grpcgo_cpu[@]}")"
echo "(CPU: server CPU time per request, user + system, from /proc)"
printf 'context switches per request (medians): ours %s, grpc-go %s\n' \
  "$(median "${ours_switches[@]}")" "$(median "${grpcgo_switches[@]}")"

echo "==> one call at a time (h2load -c 1 -m 1), one run each" >&2
single=$((requests / 4))
a=($(measure "$ours" "$ours_pid" "$path" "$work/body" "$min_data" "$single" -c 1 -m 1 -t 1))
b=($(measure "$grpcgo" "$grpcgo_pid" "$path" "$work/body" "$min_data" "$single" -c 1 -m 1 -t 1))
printf 'one call at a time: ours %s req/s (%s us per call, CPU %s us), ' \
  "${a[0]}" "$(divide 1000000 "${a[0]}")" "${a[1]}"
printf 'grpc-go %s req/s (%s us per call, CPU %s us), ratio %sx\n' \
  "${b[0]}" "$(divide 1000000 "${b[0]}")" "${b[1]}" "$(divide "${a[0]}" "${b[0]}")"
