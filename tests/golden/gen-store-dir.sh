#!/usr/bin/env bash
# Goldens for a store directory other than /nix/store: the cases of the
# derivation corpus whose paths depend on the store directory (derivations
# and their dependencies, fixed outputs, toFile, path imports,
# builtins.path, filterSource, placeholders, storeDir) evaluated by C++ Nix
# 2.8 with NIX_STORE_DIR=/tmp/tvix-golden-store/store, into
# tests/golden/store-dir/expected (the same format as
# tests/golden/derivations/expected: summary JSON and .drv files).
#
#   tests/golden/gen-store-dir.sh
#
# The cases, fixtures and summarise.nix are tests/golden/derivations'.
# C++ Nix gets a state directory of its own under /tmp, so the real
# /nix/store and its database are not touched. tests/store_dir.rs replays
# every case through tvix with the same store directory; it needs no Nix.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
corpus="$here/derivations"
out="$here/store-dir"
base=/tmp/tvix-golden-store
export NIX_STORE_DIR="$base/store" NIX_STATE_DIR="$base/var" NIX_LOG_DIR="$base/log"
export NIX_PATH=
export HOME="${HOME:-/root}"

rm -rf "$base" "$out/expected"
mkdir -p "$out/expected" "$NIX_STORE_DIR" "$NIX_STATE_DIR" "$NIX_LOG_DIR"
printf '%s\n' "$NIX_STORE_DIR" >"$out/store-dir.txt"
# Git keeps no empty directories; the fixture tree has one.
mkdir -p "$corpus/fixtures/tree/empty-dir"

cd "$corpus"
families='-(plain-name|plain-args|outputs-list|outputs-each|fixed-sha256-|fixed-md5-flat-base16|structured-dep|structured-path|deps|placeholder|tofile|import|builtins-path|filtersource|storedir|error-storepath)'
count=0
for c in cases/*.nix; do
  name="$(basename "$c" .nix)"
  [[ $name =~ $families ]] || continue
  exp="$out/expected/$name.txt"
  expr="builtins.toJSON ((import ./summarise.nix).summarise (import ./cases/$name.nix))"
  # As in gen-derivations.sh: instantiate first, so that `=drv` closures
  # are in the (read-only under --eval) store.
  drvs="$(nix-instantiate -E "(import ./summarise.nix).drvsOf (import ./cases/$name.nix)" 2>/dev/null | sed "s/!.*//" | sort -u || true)"
  if json="$(nix-instantiate --eval --json -E "$expr" 2>/tmp/gen-store-dir-err)"; then
    printf 'result %s\n' "$(python3 -c 'import json,sys; print(json.loads(sys.stdin.read()))' <<<"$json")" >"$exp"
    if [ -n "$drvs" ]; then
      for p in $(nix-store -qR $drvs | sort); do
        case "$p" in
          *.drv) printf 'drv %s\n%s\n' "$p" "$(cat "$p")" >>"$exp" ;;
        esac
      done
    fi
  else
    { echo "error"; grep -v "^warning: you did not specify" /tmp/gen-store-dir-err; } >"$exp"
  fi
  count=$((count + 1))
done
echo "generated $count cases in $out"
