#!/usr/bin/env bash
# Fails on any #include ("..." or <...>) that runs up a tier: a module may include only itself and
# the modules listed before it in src/CMakeLists.txt's PROOFMILL_MODULES (lowest tier first). Test
# files are held to the same rule. Prints each offending line as file:line: module -> included module.
#   usage: scripts/check_tiers.sh [SOURCE_ROOT]
set -euo pipefail
ROOT=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$ROOT/src"

# The order: "tier/module" entries of the PROOFMILL_MODULES list, in the order written.
mapfile -t ORDER < <(sed -n '/^set(PROOFMILL_MODULES/,/)/p' CMakeLists.txt | grep -o '[0-9]-[a-z0-9]*/[a-z0-9_]*')
[ ${#ORDER[@]} -gt 0 ] || { echo "check_tiers: no PROOFMILL_MODULES list in src/CMakeLists.txt"; exit 2; }
declare -A RANK
for i in "${!ORDER[@]}"; do RANK[${ORDER[$i]#*/}]=$i; done

status=0
# Every module folder must be in the list, in its tier (a new module has to take a place in the
# order), and sources live only in module folders.
for dir in */*/; do
  dir=${dir%/}
  if [ -z "${RANK[${dir#*/}]+x}" ]; then
    echo "src/$dir: module not listed in src/CMakeLists.txt's PROOFMILL_MODULES"
    status=1
  elif [ "${ORDER[${RANK[${dir#*/}]}]}" != "$dir" ]; then
    echo "src/$dir: listed as ${ORDER[${RANK[${dir#*/}]}]} in PROOFMILL_MODULES"
    status=1
  fi
done
while IFS= read -r -d '' file; do
  echo "src/$file: a source outside any module folder"
  status=1
done < <(find . -mindepth 1 -maxdepth 2 -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.c' -o -name '*.h' \) -printf '%P\0')

checked=0
while IFS= read -r -d '' file; do
  mod=$(echo "$file" | cut -d/ -f2)
  [ -n "${RANK[$mod]+x}" ] || continue
  while IFS=: read -r line inc; do
    target=${inc%%/*}
    [ -n "${RANK[$target]+x}" ] || continue  # not one of ours (e.g. <gtest/...>, "CLI/...")
    checked=$((checked + 1))
    if [ "${RANK[$target]}" -gt "${RANK[$mod]}" ]; then
      echo "src/$file:$line: $mod (${ORDER[${RANK[$mod]}]%/*}) includes $inc (${ORDER[${RANK[$target]}]%/*}), a module above it"
      status=1
    fi
  done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]' "$file" |
           sed 's/^\([0-9]*\):[[:space:]]*#[[:space:]]*include[[:space:]]*["<]\([^">]*\)[">].*/\1:\2/')
done < <(find . -mindepth 3 -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.c' -o -name '*.h' -o -name '*.in' \) -printf '%P\0')

if [ $status -eq 0 ]; then
  echo "check_tiers: ${#ORDER[@]} modules, $checked includes of our own headers, none runs up a tier"
fi
exit $status
