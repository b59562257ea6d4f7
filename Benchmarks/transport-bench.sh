#!/usr/bin/env bash
# Compares GRPCTransport's server with grpc-go's on one unary echo method over TLS, using
# h2load with a gRPC-framed request body. Prints requests/s for each paired run, the medians
# and the ratio (ours / grpc-go). Not a test: numbers depend on the machine and its load.
#
# Usage: Benchmarks/transport-bench.sh [runs] [requests]   (defaults: 5 runs, 40000 requests)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
requests=${2:-40000}
clients=${CLIENTS:-8}
streams=${STREAMS:-32}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "bench: building the Swift server (release)"
(cd "$here" && swift build -c release --product TransportBench >/dev/null)
swift_server="$here/.build/release/TransportBench"

echo "bench: building the grpc-go server offline from Debian's golang-google-grpc-dev"
(cd "$here/Benchmarks/grpc-go-server" &&
  GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOCACHE="$work/gocache" \
    go build -o "$work/grpc-go-server" .)

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
chmod 600 "$work/key.pem"

# One gRPC message: flag 0, 4-byte big-endian length, 64 payload bytes.
python3 -c 'import sys; p=bytes(range(64)); sys.stdout.buffer.write(b"\0"+len(p).to_bytes(4,"big")+p)' \
  >"$work/request.bin"

start() {
  local name=$1
  shift
  "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    grep -q listening "$work/$name.log" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench: $name did not start" >&2
  cat "$work/$name.log" >&2
  exit 1
}

start swift "$swift_server" 50551 "$work/cert.pem" "$work/key.pem"
start grpc-go "$work/grpc-go-server" 50552 "$work/cert.pem" "$work/key.pem"

measure() {
  local port=$1 count=$2 output
  output=$(h2load -n "$count" -c "$clients" -m "$streams" -t 1 -d "$work/request.bin" \
    -H 'content-type: application/grpc' -H 'te: trailers' \
    "https://127.0.0.1:$port/bench.Bench/Echo")
  if ! grep -q "$count succeeded, 0 failed, 0 errored" <<<"$output"; then
    echo "bench: h2load reported failures on port $port:" >&2
    echo "$output" >&2
    exit 1
  fi
  sed -n 's/^finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p' <<<"$output"
}

echo "bench: warming up"
measure 50551 5000 >/dev/null
measure 50552 5000 >/dev/null

ours=()
theirs=()
for run in $(seq "$runs"); do
  # Alternate the order so neither side always runs on a warmer machine.
  if ((run % 2)); then
    a=$(measure 50551 "$requests")
    b=$(measure 50552 "$requests")
  else
    b=$(measure 50552 "$requests")
    a=$(measure 50551 "$requests")
  fi
  ours+=("$a")
  theirs+=("$b")
  printf 'run %d: GRPCTransport %10.1f req/s   grpc-go %10.1f req/s\n' "$run" "$a" "$b"
done

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2}'; }
m_ours=$(median "${ours[@]}")
m_theirs=$(median "${theirs[@]}")
printf 'median: GRPCTransport %.1f req/s, grpc-go %.1f req/s, ratio %.2fx\n' \
  "$m_ours" "$m_theirs" "$(awk -v a="$m_ours" -v b="$m_theirs" 'BEGIN {print a/b}')"
