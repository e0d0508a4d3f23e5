#!/bin/sh
# Stands in for `tvix` with C++ Nix, to check the conformance harness itself:
#
#     TVIX_CONFORMANCE_BIN=tests/conformance/nix-oracle.sh cargo test --test conformance
#
# Maps `tvix parse|eval|instantiate ARGS` back to `nix-instantiate` (Debian's
# nix-bin). Under Nix 2.8.0 the harness must report exactly the README's
# "Results under C++ Nix 2.8": 130/485 passing, the failures being the
# names in nix-2.8-differs.txt.
command=$1
shift
case $command in
    parse) exec nix-instantiate --parse "$@" ;;
    eval) exec nix-instantiate --eval "$@" ;;
    instantiate) exec nix-instantiate "$@" ;;
    *) echo "nix-oracle.sh: unknown command '$command'" >&2; exit 2 ;;
esac
