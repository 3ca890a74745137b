#!/usr/bin/env bash
# Installs what Proofmill needs on a fresh Debian 12 machine (as root), skipping what is there:
# the C++ toolchain and libraries from Debian, and the npm test peers into tools/peers.
#   scripts/setup.sh            everything
#   scripts/setup.sh --no-peers only what building and unit-testing need
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

PKGS=(build-essential cmake ninja-build ccache pkg-config libgmp-dev nlohmann-json3-dev libcli11-dev
      libgtest-dev libgmock-dev libbenchmark-dev time
      libsqlite3-dev libpq-dev libmicrohttpd-dev curl)
want_peers=1
[ "${1:-}" = "--no-peers" ] && want_peers=0
# The service's cluster and crash tests start a real PostgreSQL server from Debian's package.
[ "$want_peers" = 1 ] && PKGS+=(postgresql)
# The fixed-point series tables are regenerated with mpmath and compared (vectors.fixed_tables_mpmath).
[ "$want_peers" = 1 ] && PKGS+=(python3-mpmath)
# Option prices and Greeks are checked against QuantLib (vectors.options_quantlib).
[ "$want_peers" = 1 ] && PKGS+=(quantlib-python)
# The fuzz preset: libFuzzer comes with clang (Debian's clang-16 and its runtime libraries).
[ "$want_peers" = 1 ] && PKGS+=(clang-16 libclang-rt-16-dev)
command -v node >/dev/null 2>&1 || PKGS+=(nodejs)
command -v npm >/dev/null 2>&1 || PKGS+=(npm)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$want_peers" = 1 ]; then
  cd "$ROOT/tools/peers"
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "setup: installing npm test peers into tools/peers (snarkjs, circom2, circomlib, circomlibjs, @noble/curves, solc, anvil)"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
  fi
fi
