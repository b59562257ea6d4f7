#!/usr/bin/env bash
# Tokens verified per second by OIDCVerifier, cold (every call checks the signature) and with
# the verified-token cache, next to PyJWT verifying the same tokens on this machine, and the
# ratios. One core each, one token at a time; the issuer is a local plain-HTTP test issuer.
#
# Usage: Benchmarks/oidc-bench.sh [seconds per measurement, default 3]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
seconds=${1:-3}

swift build -c release --product oidc-bench >&2
bench=$(swift build -c release --show-bin-path)/oidc-bench

coproc ISSUER { exec python3 Tests/OIDCTests/TestSupport/issuer.py --plain; }
trap 'exec {ISSUER[1]}>&-; wait' EXIT
read -r first <&"${ISSUER[0]}"
port=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["port"])' "$first")
issuer="http://127.0.0.1:$port"

mint() {  # key alg -> token, valid for an hour
  local now; now=$(date +%s)
  printf '{"cmd":"mint","key":"%s","alg":"%s","claims":{"iss":"%s","aud":"openshell-cli","sub":"bench","preferred_username":"bench","iat":%s,"exp":%s,"realm_access":{"roles":["admin"]}}}\n' \
    "$1" "$2" "$issuer" "$now" "$((now + 3600))" >&"${ISSUER[1]}"
  local reply; read -r reply <&"${ISSUER[0]}"
  python3 -c 'import json,sys; print(json.loads(sys.argv[1])["token"])' "$reply"
}

tokens=("RS256=$(mint rsa RS256)" "PS256=$(mint rsa PS256)" "ES256=$(mint ec256 ES256)")

results=$(mktemp)
"$bench" "$issuer" "$seconds" "${tokens[@]}" >>"$results"
python3 Benchmarks/pyjwt_verify.py "$issuer" "$seconds" "${tokens[@]}" >>"$results"

python3 - "$results" <<'PY'
import sys
rates = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if parts[0] == "swift":
        rates[(parts[1], parts[2])] = int(parts[3])
    else:
        rates[(parts[1], "pyjwt")] = int(parts[2])
print(f"{'alg':6} {'swift cold/s':>13} {'swift cached/s':>15} {'pyjwt/s':>9} "
      f"{'cold/pyjwt':>11} {'cached/pyjwt':>13}")
for alg in ("RS256", "PS256", "ES256"):
    cold, cached, py = rates[(alg, "cold")], rates[(alg, "cached")], rates[(alg, "pyjwt")]
    print(f"{alg:6} {cold:>13} {cached:>15} {py:>9} {cold / py:>10.2f}x {cached / py:>12.2f}x")
PY
rm -f "$results"
