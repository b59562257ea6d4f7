#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian machine: the C libraries we
# link, the peers our tests talk to (Python grpcio, protobuf, PyJWT) and the benchmark
# anchors. Safe to run again: it installs only what is missing.
set -euo pipefail

debian_packages=(
  libssl-dev openssl      # TLS, X.509 and keys
  libnghttp2-dev          # HTTP/2 framing, HPACK and flow control
  libjwt-dev              # JWT signature checks
  zlib1g-dev              # gzip message compression
  libsqlite3-dev          # the gateway's embedded state
  libcurl4-openssl-dev    # HTTPS fetches of OIDC discovery and key sets
  nghttp2-client          # h2load, the benchmark load generator
  golang-go golang-google-grpc-dev  # the grpc-go benchmark anchor, built offline
  pkg-config python3-pip
)

missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" \
    || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

if ! command -v swift >/dev/null; then
  echo "setup: no Swift toolchain on PATH; install Swift 6.0 or later first" >&2
  exit 1
fi

here=$(cd "$(dirname "$0")/.." && pwd)
# pip reports nothing when every requirement is already met. As root (CI, containers) pip
# would warn about installing as root on every run; that is this machine's choice to make.
pip_flags=(-q --disable-pip-version-check)
if [ "$(id -u)" -eq 0 ] && python3 -m pip install --help | grep -q -- --root-user-action; then
  pip_flags+=(--root-user-action=ignore)
fi
python3 -m pip install "${pip_flags[@]}" -r "$here/Tests/requirements.txt"
