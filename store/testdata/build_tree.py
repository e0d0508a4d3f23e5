#!/usr/bin/env python3
"""Builds the file tree a `*.tree` spec describes (see nar/mixed.tree).

Usage: build_tree.py SPEC DEST   (DEST must not exist)

The Rust golden tests build the same trees from the same specs, so the
NARs C++ Nix dumped from these trees can be compared with ours.
"""
import os
import sys


def unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append({"n": "\n", "t": "\t", "\\": "\\"}[s[i + 1]])
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def pattern(n):
    return bytes(i % 251 for i in range(n))


def main(spec, dest):
    os.umask(0o022)
    for line in open(spec, encoding="utf-8").read().split("\n"):
        if not line or line.startswith("#"):
            continue
        kind, path, *rest = line.split("\t")
        arg = unescape(rest[0]) if rest else ""
        target = dest if path == "." else os.path.join(dest, unescape(path))
        if kind == "dir":
            os.makedirs(target, exist_ok=True)
            continue
        os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
        if kind in ("file", "exec", "bytes"):
            data = pattern(int(arg)) if kind == "bytes" else arg.encode()
            with open(target, "wb") as f:
                f.write(data)
            os.chmod(target, 0o755 if kind == "exec" else 0o644)
        elif kind == "symlink":
            os.symlink(arg, target)
        else:
            sys.exit(f"{spec}: unknown kind {kind!r}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
