#!/usr/bin/env bash
# Generates the golden files of tvix-store's tests from C++ Nix (2.8).
#
#   store/testdata/generate.sh [nar] [narinfo]     (default: everything)
#
# nar:     for each nar/NAME.tree, builds the tree (build_tree.py) and
#          records `nix-store --dump` as nar/NAME.nar and `nix-hash --type
#          sha256 --base32` as nar/NAME.sha256.
# narinfo: adds a few paths to the local Nix store (sources, a toFile
#          text, a .drv, built outputs with references, a deriver and a
#          self-reference), signs them with the committed test keys
#          (narinfo/keys, made once with `nix-store
#          --generate-binary-cache-key`) and `nix copy`s them to file://
#          caches: narinfo/cpp/NAME.narinfo are C++ Nix's narinfo files.
#          Then our `narinfo_sign` example re-signs each with key 1 into
#          narinfo/ours/, and `nix store verify` checks ours against the
#          public key; narinfo/nix-verify.txt records what it said
#          (including a tampered control that must fail).
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

gen_narinfo() {
    local dir=$here/narinfo
    export NIX_CONFIG=$'experimental-features = nix-command\nsubstituters ='
    mkdir -p "$dir/keys" "$dir/cpp" "$dir/ours"
    for k in 1 2; do
        if [[ ! -f $dir/keys/test-key-$k.sec ]]; then
            nix-store --generate-binary-cache-key "test-key-$k" \
                "$dir/keys/test-key-$k.sec" "$dir/keys/test-key-$k.pub"
        fi
    done
    rm -f "$dir"/cpp/*.narinfo "$dir"/ours/*.narinfo

    mkdir "$work/src"
    printf 'hello\n' >"$work/src/hello.txt"
    python3 "$here/build_tree.py" "$here/nar/mixed.tree" "$work/src/mixed"
    cat >"$work/src/fixtures.nix" <<'NIX'
let
  hello = ./hello.txt;
  greeting = builtins.toFile "greeting" "hello from ${hello}\n";
in {
  inherit greeting;
  referrer = derivation {
    name = "tvix-narinfo-referrer";
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ "-c" "echo ${hello} ${greeting} > $out" ];
  };
  self = derivation {
    name = "tvix-narinfo-self";
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ "-c" "echo $out > $out" ];
  };
}
NIX
    local hello mixed greeting drv referrer self
    hello=$(nix-store --add "$work/src/hello.txt")
    mixed=$(nix-store --add "$work/src/mixed")
    greeting=$(nix-instantiate --read-write-mode --eval -A greeting "$work/src/fixtures.nix" | tr -d '"')
    drv=$(nix-instantiate -A referrer "$work/src/fixtures.nix" 2>/dev/null)
    referrer=$(nix-store --realise "$drv" 2>/dev/null)
    self=$(nix-store --realise "$(nix-instantiate -A self "$work/src/fixtures.nix" 2>/dev/null)" 2>/dev/null)
    # A second signature, by key 2, on the built outputs.
    nix store sign --key-file "$dir/keys/test-key-2.sec" "$referrer" "$self"

    local cache=$work/cache
    nix copy --to "file://$cache?compression=none&secret-key=$dir/keys/test-key-1.sec" \
        "$hello" "$mixed" "$greeting" "$referrer" "$self"
    nix copy --derivation --to "file://$cache?compression=none&secret-key=$dir/keys/test-key-1.sec" "$drv"
    nix copy --to "file://$work/cache-xz?compression=xz&secret-key=$dir/keys/test-key-1.sec" "$hello"

    local path name
    for path in "$hello" "$mixed" "$greeting" "$drv" "$referrer" "$self"; do
        name=${path#/nix/store/*-}
        cp "$cache/$(basename "$path" | cut -c1-32).narinfo" "$dir/cpp/$name.narinfo"
    done
    cp "$work/cache-xz/$(basename "$hello" | cut -c1-32).narinfo" "$dir/cpp/hello.txt.xz.narinfo"

    # Ours: re-signed with key 1 by our code, checked by C++ Nix.
    (cd "$here/.." && cargo build --quiet --example narinfo_sign)
    local sign
    sign=$(cd "$here/.." && cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/examples/narinfo_sign
    local ours=$work/ours-cache
    mkdir -p "$ours"
    cp -r "$cache/nar" "$cache/nix-cache-info" "$ours/"
    for f in "$dir"/cpp/*.narinfo; do
        [[ $f == *.xz.narinfo ]] && continue
        "$sign" "$dir/keys/test-key-1.sec" "$f" "$dir/ours/$(basename "$f")"
        path=$(sed -n 's/^StorePath: //p' "$f")
        cp "$dir/ours/$(basename "$f")" "$ours/$(basename "$path" | cut -c1-32).narinfo"
    done
    local pub
    pub=$(cat "$dir/keys/test-key-1.pub")
    {
        echo "# nix store verify --store file://OURS --trusted-public-keys test-key-1 --sigs-needed 1 PATH"
        echo "# on the narinfo files in ours/ (input-addressed paths: their signature is all that makes them trusted)."
        for path in "$referrer" "$self"; do
            nix store verify --store "file://$ours" --trusted-public-keys "$pub" --sigs-needed 1 "$path" >/dev/null 2>&1 &&
                echo "trusted $path" || echo "UNTRUSTED $path"
        done
        echo "# control: the same with one signature byte changed must be untrusted"
        local victim
        victim="$ours/$(basename "$self" | cut -c1-32).narinfo"
        python3 - "$victim" <<'PY'
import base64, sys
p = sys.argv[1]
lines = open(p).read().split("\n")
for i, l in enumerate(lines):
    if l.startswith("Sig: "):
        name, sig = l[5:].split(":", 1)
        raw = bytearray(base64.b64decode(sig))
        raw[0] ^= 1
        lines[i] = "Sig: " + name + ":" + base64.b64encode(bytes(raw)).decode()
open(p, "w").write("\n".join(lines))
PY
        nix store verify --store "file://$ours" --trusted-public-keys "$pub" --sigs-needed 1 "$self" >/dev/null 2>&1 &&
            echo "trusted (tampered) $self" || echo "untrusted (tampered) $self"
    } >"$dir/nix-verify.txt"
    ls "$dir/cpp" "$dir/ours"
    cat "$dir/nix-verify.txt"
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
