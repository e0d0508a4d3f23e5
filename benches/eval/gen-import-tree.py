#!/usr/bin/env python3
"""Generate the tree of small Nix files that benches/eval/import-tree.nix imports.

usage: benches/eval/gen-import-tree.py OUT_DIR [FANOUT] [DEPTH]

Deterministic (byte-identical output for the same arguments). Default: fanout
5, depth 5 = 3,906 directories, each with a `default.nix` that imports the
shared `lib.nix` and its children (`./c0` … `./c4`), defines a small package-
like attribute set and a function, and merges its children's results.
"""
import os
import sys


LIB = """\
# shared helpers, imported by every node (C++ Nix and tvix cache it per path)
rec {
  sum = builtins.foldl' (a: b: a + b) 0;
  mapNames = f: set: builtins.listToAttrs (map (n: { name = f n; value = set.${n}; }) (builtins.attrNames set));
  mkPkg = { pname, version, deps ? [ ] }: {
    inherit pname version deps;
    name = "${pname}-${version}";
    size = 1 + sum (map (d: d.size) deps);
  };
}
"""


def node(path_id, depth, fanout, max_depth):
    kids = fanout if depth < max_depth else 0
    ups = "../" * depth
    child_imports = " ".join(f"(import ./c{k})" for k in range(kids))
    return f"""\
# node {path_id} (depth {depth})
let
  lib = import ./{ups}lib.nix;
  children = [ {child_imports} ];
  self = lib.mkPkg {{
    pname = "n{path_id.replace('/', '-')}";
    version = "{depth}.{len(path_id)}";
    deps = map (c: c.pkg) children;
  }};
  scale = x: x * {depth + 1} + {len(path_id) % 7};
in
{{
  pkg = self;
  count = 1 + lib.sum (map (c: c.count) children);
  total = scale {len(path_id)} + lib.sum (map (c: c.total) children);
  names = [ self.name ] ++ builtins.concatLists (map (c: c.names) children);
  attrs = builtins.foldl' (a: c: a // c.attrs) {{ "{path_id or 'root'}" = scale 1; }} children;
}}
"""


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    fanout = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    depth = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "lib.nix"), "w") as f:
        f.write(LIB)
    files = 1

    def walk(rel, d):
        nonlocal files
        dirpath = os.path.join(out, rel) if rel else out
        os.makedirs(dirpath, exist_ok=True)
        with open(os.path.join(dirpath, "default.nix"), "w") as f:
            f.write(node(rel.replace(os.sep, "/").replace("c", ""), d, fanout, depth))
        files += 1
        if d < depth:
            for k in range(fanout):
                walk(os.path.join(rel, f"c{k}") if rel else f"c{k}", d + 1)

    walk("", 0)
    print(f"{out}: {files} files")


if __name__ == "__main__":
    main()
