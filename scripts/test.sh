#!/usr/bin/env bash
# Every test: unit tests (release, and asan+ubsan), interop against snarkjs on circom circuits
# (full in release, the small circuits under the sanitizers).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/setup.sh"
cd "$ROOT"
for preset in release asan; do
  echo "== $preset: build"
  "$ROOT/scripts/build.sh" "$preset"
  echo "== $preset: test"
  ctest --preset "$preset" -j "$(nproc)"
done
