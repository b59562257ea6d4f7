# Shared by transport-bench.sh and gateway-bench.sh; sourced, not run. Expects `set -euo
# pipefail`, the repository root as the working directory, and `$work` (a temporary directory
# the caller removes) to be set.

bench_pids=()

# Kills what start_server and start_and_wait started, by process id, and waits for it.
bench_cleanup() {
  local pid
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${bench_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}

# Builds the grpc-go anchor offline (GOPATH mode against Debian's golang-google-grpc-dev, no
# module proxy) and prints the binary's path.
build_grpc_go_server() {
  local out="$PWD/.build/bench/grpc-go-server"
  mkdir -p "$PWD/.build/bench/go-cache"
  GO111MODULE=off GOPROXY=off GOFLAGS= GOPATH=/usr/share/gocode \
    GOCACHE="$PWD/.build/bench/go-cache" \
    go build -o "$out" ./Benchmarks/grpc-go-server >&2
  echo "$out"
}

# start_server NAME COMMAND...: starts COMMAND in the background, waits for its
# "listening on HOST:PORT" line and sets `server_port` and `server_pid`. Output goes to
# $work/NAME.out and $work/NAME.log. Call it directly, not in $(...), so that the trap can
# find the process.
start_server() {
  start_and_wait "$1" 'listening on ' "${@:2}"
  server_port=${server_line##*:}
}

# start_and_wait NAME PREFIX COMMAND...: as start_server, but waits for the first line of
# standard output starting with PREFIX and sets `server_line` to it.
start_and_wait() {
  local name=$1 prefix=$2
  shift 2
  "$@" >"$work/$name.out" 2>"$work/$name.log" &
  bench_pids+=($!)
  server_pid=$!
  for _ in $(seq 1 300); do
    server_line=$(grep -m1 "^$prefix" "$work/$name.out" 2>/dev/null || true)
    if [ -n "$server_line" ]; then
      return 0
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "$name exited before it was ready; its log:" >&2
      cat "$work/$name.log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "timed out waiting for $name to print '$prefix'" >&2
  return 1
}

# grpc_frame FILE BYTES: writes one uncompressed gRPC frame carrying a BYTES-byte message (3 to
# 129: one length-delimited proto field, so it is also a valid proto message; 0 writes the
# empty message, 5 zero bytes in all).
grpc_frame() {
  python3 - "$1" "$2" <<'PY'
import struct, sys
size = int(sys.argv[2])
message = b""
if size:
    # field 1, wire type 2, a one-byte length, then filler: `size` bytes in all
    assert 3 <= size <= 129, "a message of 3 to 129 bytes, or 0"
    message = bytes([0x0A, size - 2]) + b"x" * (size - 2)
with open(sys.argv[1], "wb") as handle:
    handle.write(struct.pack(">BI", 0, len(message)) + message)
PY
}

# h2load_rate PORT PATH BODY MIN_DATA_PER_REQUEST H2LOAD_ARGS...: runs h2load over TLS and
# prints requests per second. Fails, showing h2load's output, unless every request finished
# with a 2xx status and the responses carried at least MIN_DATA_PER_REQUEST bytes of DATA
# each (a refused gRPC call is HTTP 200 with no DATA frame, so this catches refusals that
# h2load alone would count as successes).
h2load_rate() {
  local port=$1 path=$2 body=$3 min_data=$4
  shift 4
  local out
  out=$(timeout 120 h2load "$@" -d "$body" -H 'content-type: application/grpc' -H 'te: trailers' \
    "https://127.0.0.1:$port$path" 2>&1) || {
    echo "h2load failed against port $port:" >&2
    echo "$out" >&2
    return 1
  }
  python3 - "$min_data" "$out" <<'PY'
import re, sys
min_data, out = int(sys.argv[1]), sys.argv[2]
def grab(pattern):
    match = re.search(pattern, out)
    if not match:
        sys.exit(f"could not read h2load's output:\n{out}")
    return match.groups()
rate, = grab(r"finished in [\d.]+\w+, ([\d.]+) req/s")
total, done, succeeded = map(int, grab(r"requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded"))
twoxx, = map(int, grab(r"status codes: (\d+) 2xx"))
data, = map(int, grab(r"traffic: .*\((\d+)\) data"))
if not (total == done == succeeded == twoxx):
    sys.exit(f"not every request succeeded (total {total}, done {done}, 2xx {twoxx}):\n{out}")
if data < total * min_data:
    sys.exit(f"responses carried {data} DATA bytes, under {min_data} per request:\n{out}")
print(f"{float(rate):.0f}")
PY
}

# median NUMBERS...: prints the median (the mean of the middle two for an even count).
median() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# divide A B: prints A / B with two decimals.
divide() {
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a / b }'
}

# server_counters PID: prints the process's CPU time in clock ticks (user + system) and its
# context switches (voluntary + involuntary, summed over its threads).
server_counters() {
  local ticks switches
  ticks=$(awk '{ print $14 + $15 }' "/proc/$1/stat")
  switches=$(cat "/proc/$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s }')
  echo "$ticks $switches"
}

# measure PORT PID PATH BODY MIN_DATA REQUESTS H2LOAD_ARGS...: one h2load run of REQUESTS
# requests (see h2load_rate); prints requests per second, the server's CPU microseconds per
# request and its context switches per request, read from /proc around the run.
measure() {
  local port=$1 pid=$2 path=$3 body=$4 min_data=$5 requests=$6
  shift 6
  local before after rate
  before=$(server_counters "$pid")
  rate=$(h2load_rate "$port" "$path" "$body" "$min_data" -n "$requests" "$@")
  after=$(server_counters "$pid")
  awk -v rate="$rate" -v n="$requests" -v hz="$(getconf CLK_TCK)" -v b="$before" -v a="$after" \
    'BEGIN { split(b, x, " "); split(a, y, " ")
      printf "%s %.0f %.2f\n", rate, (y[1] - x[1]) * 1e6 / hz / n, (y[2] - x[2]) / n }'
}
