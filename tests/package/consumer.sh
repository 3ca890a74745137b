#!/usr/bin/env bash
# The installed library as a downstream project sees it: `cmake --install` of the build into a
# fresh prefix, then examples/consumer configured against it with find_package(Proofmill), built,
# and run: its own C++ circuit proven and verified, and the C program on libproofmill.so.
#   usage: tests/package/consumer.sh BUILD_DIR
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=$(cd "$1" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cmake --install "$BUILD" --prefix "$WORK/prefix" >/dev/null
for f in include/proofmill.h include/proofmill/circuit/builder.hpp lib/libproofmill.so \
         lib/cmake/Proofmill/ProofmillConfig.cmake bin/proofmill; do
  [ -e "$WORK/prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done
# The shared library exports the C ABI and nothing of the C++ inside it: no defined dynamic
# symbol of any kind (function, data, weak, unique) but pm_*.
defined=$(nm -D --defined-only "$WORK/prefix/lib/libproofmill.so" | awk '{print $NF}' | sort)
others=$(echo "$defined" | grep -v '^pm_' || true)
[ -z "$others" ] || { echo "libproofmill.so exports more than pm_*: $(echo "$others" | head -5)"; exit 1; }
echo "libproofmill.so exports $(echo "$defined" | wc -l) symbols: $(echo $defined)"
cmake -S "$ROOT/examples/consumer" -B "$WORK/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$WORK/prefix" >/dev/null
cmake --build "$WORK/build" >/dev/null
"$WORK/build/range_product"
E="$ROOT/examples/poseidon_chain"
"$WORK/build/prove_c" "$E/circuit.zkey" "$E/witness.wtns" "$E/verification_key.json"
# It runs on the installed library, not on one from the build tree.
# (ldd's output is read whole first: grep -q quitting early would SIGPIPE it under pipefail.)
libs=$(ldd "$WORK/build/prove_c")
case "$libs" in
  *"$WORK/prefix/lib/libproofmill.so"*) ;;
  *) echo "prove_c is not linked to the installed libproofmill.so"; echo "$libs"; exit 1 ;;
esac
echo "package: 2 passed, 0 failed"
