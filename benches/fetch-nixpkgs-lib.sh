#!/usr/bin/env bash
# Fetches nixpkgs' `lib` for the evaluation workloads and acceptance tests.
#
# Where it comes from: https://github.com/nix-community/nixpkgs.lib, the
# nix-community mirror of nixpkgs' lib/ directory (MIT), at two pinned
# commits:
#
#   current  de42d44212d207476489bce163375d8306a26d59  the newest lib we test;
#            needs builtins newer than C++ Nix 2.8 (readFileType, …), so
#            C++ Nix 2.8 cannot evaluate it
#   nix28    f4dc9a6c02e5e14d91d158522f69f6ab4194eb5b  2024-12-08, minimum Nix
#            2.3.17: the last lib C++ Nix 2.8 evaluates; used for the
#            side-by-side benchmarks and the golden outputs
#
# usage: benches/fetch-nixpkgs-lib.sh [current|nix28]...   (default: both)
#        NIXPKGS_LIB_MIRROR=/path/to/nixpkgs.lib.git benches/fetch-nixpkgs-lib.sh
#
# Each lands in bench-data/nixpkgs-lib-<name>/ (git-ignored; nixpkgs is never
# committed). With NIXPKGS_LIB_MIRROR set to a git directory holding the
# commits, it is exported from there (`git archive`); otherwise the GitHub
# tarball https://github.com/nix-community/nixpkgs.lib/archive/<sha>.tar.gz
# is downloaded with curl. A directory already in place is kept.
#
# lib/tests/misc.nix imports `../..` (all of nixpkgs) only for a `hello`
# derivation; the script writes a stub default.nix at the top of the tree
# providing exactly that, so misc.nix runs with lib alone.
#
# In the nix28 tree one test is removed from lib/tests/misc.nix:
# testFromHexStringSecondExample expects `fromTOML "v=0x<64 hex digits>"` to
# saturate to 2^63-1, as C++ Nix 2.8's TOML parser did; current Nix rejects
# out-of-range TOML integers (the conformance corpus' eval-fail-fromTOML-
# overflow), tvix follows current Nix, and nixpkgs itself later dropped the
# test (the current lib accepts at most 16 hex digits).
#
# Exits non-zero, saying why, when a download or export fails.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

declare -A commits=(
    [current]=de42d44212d207476489bce163375d8306a26d59
    [nix28]=f4dc9a6c02e5e14d91d158522f69f6ab4194eb5b
)

names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(current nix28)

mkdir -p bench-data
for name in "${names[@]}"; do
    sha=${commits[$name]:-}
    if [[ -z $sha ]]; then
        echo "error: unknown nixpkgs lib '$name' (known: ${!commits[*]})" >&2
        exit 2
    fi
    dest=bench-data/nixpkgs-lib-$name
    if [[ -f $dest/.commit && $(cat "$dest/.commit") == "$sha" ]]; then
        echo "nixpkgs lib $name: $dest is in place (${sha:0:12})"
        continue
    fi
    rm -rf "$dest" "$dest.partial"
    mkdir -p "$dest.partial"
    if [[ -n ${NIXPKGS_LIB_MIRROR:-} ]]; then
        echo "nixpkgs lib $name: exporting ${sha:0:12} from $NIXPKGS_LIB_MIRROR"
        git -C "$NIXPKGS_LIB_MIRROR" archive "$sha" | tar -x -C "$dest.partial"
    else
        url=https://github.com/nix-community/nixpkgs.lib/archive/$sha.tar.gz
        echo "nixpkgs lib $name: downloading $url"
        if ! curl -fsSL --retry 3 --connect-timeout 20 "$url" -o "$dest.partial.tar.gz"; then
            rm -rf "$dest.partial" "$dest.partial.tar.gz"
            echo "error: could not download $url" >&2
            exit 1
        fi
        tar -xzf "$dest.partial.tar.gz" -C "$dest.partial" --strip-components=1
        rm -f "$dest.partial.tar.gz"
    fi
    [[ -f $dest.partial/lib/default.nix ]] || {
        echo "error: $dest.partial has no lib/default.nix" >&2
        exit 1
    }
    cat >"$dest.partial/default.nix" <<'NIX'
# Stub written by benches/fetch-nixpkgs-lib.sh: lib/tests/misc.nix imports
# all of nixpkgs only for this derivation.
{ system ? "x86_64-linux", ... }:
{
  hello = derivation {
    name = "hello-2.12";
    inherit system;
    builder = "/bin/sh";
  };
}
NIX
    if [[ $name == nix28 ]]; then
        sed -i '/testFromHexStringSecondExample = {/,/};/d' "$dest.partial/lib/tests/misc.nix"
        ! grep -q testFromHexStringSecondExample "$dest.partial/lib/tests/misc.nix"
    fi
    echo "$sha" >"$dest.partial/.commit"
    mv "$dest.partial" "$dest"
    echo "nixpkgs lib $name: $dest"
done
