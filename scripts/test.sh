#!/usr/bin/env bash
# Every test: unit tests (release, and asan+ubsan), interop against snarkjs on circom circuits
# (full in release, the small circuits under the sanitizers), ThreadSanitizer on the threaded
# code, and every fuzz corpus replayed (tests/fuzz).
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
# The portable arithmetic, forced where the CPU has ADX/BMI2 (field tests run both paths
# anyway; this runs everything else on the portable path too).
echo "== release, portable arithmetic (PROOFMILL_NO_ASM=1): test"
PROOFMILL_NO_ASM=1 ctest --preset release -j "$(nproc)" -L unit
PROOFMILL_NO_ASM=1 tests/interop/interop.sh build/release/src/cli/proofmill quick
# The tsan and fuzz presets build only the targets they run: the threaded code's unit tests, and
# the libFuzzer targets (clang 16), each replaying its corpus once.
for preset in tsan fuzz; do
  echo "== $preset: build"
  "$ROOT/scripts/build.sh" "$preset"
  echo "== $preset: test"
  ctest --preset "$preset" -j "$(nproc)"
done
