#!/usr/bin/env bash
# Generates the golden files of tvix-store's tests from C++ Nix (2.8).
#
#   store/testdata/generate.sh [nar] [narinfo]     (default: everything)
#
# nar:     for each nar/NAME.tree, builds the tree (build_tree.py) and
#          records `nix-store --dump` as nar/NAME.nar and `nix-hash --type
#          sha256 --base32` as nar/NAME.sha256.
# narinfo: see the narinfo section below.
#
# The tests read only the committed outputs and never need Nix.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT

gen_nar() {
    for spec in "$here"/nar/*.tree; do
        local name
        name=$(basename "$spec" .tree)
        python3 "$here/build_tree.py" "$spec" "$work/$name"
        nix-store --dump "$work/$name" >"$here/nar/$name.nar"
        nix-hash --type sha256 --base32 "$work/$name" >"$here/nar/$name.sha256"
        echo "nar/$name.nar: $(stat -c %s "$here/nar/$name.nar") bytes"
    done
}

sections=("$@")
[[ ${#sections[@]} -eq 0 ]] && sections=(nar narinfo)
for section in "${sections[@]}"; do
    case $section in
    nar) gen_nar ;;
    narinfo) gen_narinfo ;;
    *)
        echo "unknown section '$section'" >&2
        exit 2
        ;;
    esac
done
