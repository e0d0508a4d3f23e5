#!/bin/sh
# Regenerates derivations.golden with C++ Nix: one line per derivation of
# derivations.nix with its attribute path, outPath and drvPath.
set -eu
cd "$(dirname "$0")"
for path in hello tools.cowsay; do
  out=$(nix-instantiate --eval -E "(import ./derivations.nix).$path.outPath" | tr -d '"')
  drv=$(nix-instantiate --eval -E "(import ./derivations.nix).$path.drvPath" | tr -d '"')
  echo "$path $out $drv"
done > derivations.golden
