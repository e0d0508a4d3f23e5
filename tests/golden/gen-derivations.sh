#!/usr/bin/env bash
# Generates the derivation golden corpus from C++ Nix (2.8, Debian's
# nix-bin): tests/golden/derivations/{fixtures,cases,expected}.
#
#   tests/golden/gen-derivations.sh
#
# 1. Writes the fixture tree (files, an executable, symlinks, an empty
#    file, nested and non-ASCII names) that path-import cases read.
# 2. Writes one `cases/<name>.nix` per case (the case families are
#    generated below: plain, multiple outputs, fixed outputs for every
#    algorithm × mode × encoding, structured attributes, __ignoreNulls,
#    passAsFile, dependencies through `=drv`/`!out!` contexts, toFile with
#    references, path imports, builtins.path, filterSource, placeholders,
#    and error cases).
# 3. For each case asks C++ Nix for `builtins.toJSON (summarise case)`
#    (drvPath and outPaths of every derivation, every string with its
#    context), instantiates its derivations (which writes the `.drv`
#    files) and records the `.drv` bytes of the whole closure, or the
#    error C++ Nix reports.
#
# Left out on purpose, where current C++ Nix (whose behaviour tvix follows,
# as the language test suite does) differs from 2.8: `outputHashMode =
# "nar"` (new), the names "." and ".." (rejected now), and anything that
# prints the checkout's absolute path.
#
# tests/derivations.rs replays every case through tvix and needs no Nix.
# Running as root writes to the local /nix/store; nothing else is touched.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/derivations"
export NIX_PATH=
export HOME="${HOME:-/root}"

rm -rf "$root/cases" "$root/expected" "$root/fixtures"
mkdir -p "$root/cases" "$root/expected" "$root/fixtures"

# --- fixtures -----------------------------------------------------------
f="$root/fixtures"
printf 'hello\n' >"$f/hello.txt"
: >"$f/empty"
printf '#!/bin/sh\necho hi\n' >"$f/script.sh"
chmod 755 "$f/script.sh"
printf 'caf\xc3\xa9\n' >"$f/unicode-content.txt"
mkdir -p "$f/tree/sub/deeper" "$f/tree/empty-dir" "$f/tree/ünïcödé"
printf 'a\n' >"$f/tree/a.txt"
printf 'b\n' >"$f/tree/b.nix"
printf 'x' >"$f/tree/sub/x"
printf '#!/bin/sh\n' >"$f/tree/sub/run"
chmod 755 "$f/tree/sub/run"
: >"$f/tree/sub/deeper/empty"
printf 'u\n' >"$f/tree/ünïcödé/файл"
ln -s a.txt "$f/tree/link-to-a"
ln -s ../a.txt "$f/tree/sub/up-link"
ln -s /nonexistent/target "$f/tree/dangling"
ln -s hello.txt "$f/link"
mkdir -p "$f/only-files"
printf '1' >"$f/only-files/one"
printf '2' >"$f/only-files/two"

# --- cases --------------------------------------------------------------
python3 - "$root/cases" <<'PY'
import base64, hashlib, os, sys

out = sys.argv[1]
n = 0
def case(name, text):
    global n
    n += 1
    with open(os.path.join(out, f"{n:03d}-{name}.nix"), "w") as fh:
        fh.write(text.strip() + "\n")

def drv(name, extra="", system="x86_64-linux", builder="/bin/sh"):
    return f'derivation {{ name = {name}; system = "{system}"; builder = "{builder}"; {extra} }}'

NIX32 = "0123456789abcdfghijklmnpqrsvwxyz"
def nix32(b):
    l = (len(b) * 8 + 4) // 5
    s = ""
    for n_ in range(l - 1, -1, -1):
        bit = n_ * 5; i = bit // 8; j = bit % 8
        c = (b[i] >> j) | ((b[i + 1] << (8 - j)) if i + 1 < len(b) else 0)
        s += NIX32[c & 0x1f]
    return s

def nixstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("${", "\\${").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + '"'

# Plain derivations: names, builders, systems, args and env escapes.
for nm in ["hello", "hello-2.12.1", "a", "x_y.z+w?v=u", "0start", "-dash", "name.with.dots", "A" * 211, "UPPER-lower", "nix"]:
    case("plain-name", drv(nixstr(nm)))
for b in ["/bin/sh", "/nix/store/00000000000000000000000000000000-bash/bin/bash", "builtin:fetchurl", "relative/builder", "b"]:
    case("plain-builder", drv('"b"', builder=b))
for s in ["x86_64-linux", "aarch64-darwin", "i686-linux", "builtin", "some system with spaces"]:
    case("plain-system", drv('"s"', system=s))
for args in [[], ["-c", "echo hi"], ['quote"s', "back\\slash", "new\nline", "tab\there", "cr\rhere", "dollar ${x}"], ["ünïcödé ✓ 日本"], [""] * 3]:
    case("plain-args", drv('"args"', "args = [ " + " ".join(nixstr(a) for a in args) + " ];"))
envs = [
    'foo = "bar";',
    'empty = "";',
    'int = 42; neg = -7; t = true; f = false; n = null;',
    'list = [ "a" "b" 1 true false null [ "x" [ ] ] ];',
    'nested = [ [ ] [ [ ] ] "" ];',
    'weird = "\\"\\\\\\n\\t\\r";',
    'unicode = "ünïcödé ✓ 日本 🎉";',
    'path_str = "/nix/store/not-a-context";',
    '"attr with spaces" = "v"; "_" = "u";',
    'outPath = "ignored?";',
    'a = "1"; b = "2"; c = "3"; z = "26"; A = "upper"; Z = "UPPER";',
    'passAsFile = [ "big" ]; big = "lots of text";',
    'passAsFile = [ "one" "two" ]; one = "1"; two = "2";',
    'passAsFile = "notalist"; notalist = "x";',
    'passAsFile = [ ]; ',
    'preferLocalBuild = true; allowSubstitutes = false;',
    'allowedReferences = [ ]; allowedRequisites = [ ]; disallowedReferences = [ ];',
    'meta = "description";',
    'toStr = { __toString = self: "from toString"; };',
    'drvPathLike = { outPath = "/some/out/path"; };',
]
for e in envs:
    case("plain-env", drv('"env"', e))
for fl in ["0.1", "1.0", "1.5", "100.0", "-2.25"]:
    case("plain-float", drv('"f"', f"x = {fl};"))

# Multiple outputs.
for outs in [["out"], ["out", "dev"], ["dev", "out"], ["bin", "out", "lib", "man", "dev", "doc"], ["lib"], ["a", "b"], ["out", "out2"], ["z", "y", "x"]]:
    lst = " ".join(nixstr(o) for o in outs)
    case("outputs-list", drv('"multi"', f"outputs = [ {lst} ];"))
    case("outputs-each", f'let d = {drv(chr(34) + "multi-each" + chr(34), "outputs = [ " + lst + " ];")}; in map (o: d.${{o}}) d.outputs')
for s in ["out dev", "  out\tdev\nbin  ", "out"]:
    case("outputs-string", drv('"multistr"', f"outputs = {nixstr(s)};"))
case("outputs-attrs", 'let d = ' + drv('"m"', 'outputs = [ "out" "dev" ];') + '; in { inherit (d) outputName drvPath outPath type; devName = d.dev.outputName; all = map (x: x.outputName) d.all; same = d.out.drvPath == d.dev.drvPath; attrs = builtins.attrNames d.drvAttrs; }')
case("outputs-drvattrs", 'let d = ' + drv('"m"', 'extra = "x";') + '; in d.drvAttrs')

# Fixed outputs: every algorithm, both modes, every encoding.
contents = [b"", b"hello\n"]
for algo in ["md5", "sha1", "sha256", "sha512"]:
    for mode in ["flat", "recursive"]:
        for ci, content in enumerate(contents):
            d = hashlib.new(algo, content).digest()
            encs = {
                "base16": (d.hex(), True),
                "base16-upper": (d.hex().upper(), True),
                "nix32": (nix32(d), True),
                "base64": (base64.b64encode(d).decode(), True),
                "sri": (f"{algo}-" + base64.b64encode(d).decode(), False),
                "sri-nopad": (f"{algo}-" + base64.b64encode(d).decode().rstrip("="), False),
                "prefixed16": (f"{algo}:" + d.hex(), False),
                "prefixed32": (f"{algo}:" + nix32(d), False),
            }
            for enc, (h, needs_algo) in encs.items():
                if ci == 1 and enc in ("base16-upper", "sri-nopad", "prefixed32"):
                    continue
                algo_attr = f'outputHashAlgo = "{algo}";' if needs_algo or (enc == "sri" and mode == "flat") else ""
                mode_attr = f'outputHashMode = "{mode}";' if mode == "recursive" or enc == "base16" else ""
                case(f"fixed-{algo}-{mode}-{enc}", drv(f'"fixed-{ci}"', f'outputHash = "{h}"; {algo_attr} {mode_attr}'))
case("fixed-empty-hash", drv('"e"', 'outputHash = ""; outputHashAlgo = "sha256";'))
case("fixed-empty-hash-recursive", drv('"e"', 'outputHash = ""; outputHashAlgo = "sha1"; outputHashMode = "recursive";'))
case("fixed-outputs-out", drv('"e"', 'outputs = [ "out" ]; outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";'))

# Structured attributes.
sa = [
    'x = 1;',
    'x = [ 1 "two" true null { y = "z"; } ];',
    'nested = { a = { b = { c = [ ]; }; }; };',
    's = "quote\\" back\\\\ nl\\n tab\\t ü ✓";',
    'outputs = [ "out" "dev" ];',
    'e = { }; l = [ ]; n = null; t = true; f = false;',
    'neg = -5; big = 9223372036854775807;',
    'args = [ "-c" "x" ]; a = "1";',
    'outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; outputHashMode = "recursive";',
    'exportReferencesGraph = { graph = [ ]; };',
    'toStr = { __toString = self: "ts"; };',
    'allowedReferences = [ ];',
    'z = "last"; A = "first";',
    'unicode = { "ключ" = "значение"; };',
]
for e in sa:
    case("structured", drv('"sa"', "__structuredAttrs = true; " + e))
case("structured-false", drv('"sa"', '__structuredAttrs = false; x = 1;'))
case("structured-ignorenulls", drv('"sa"', '__structuredAttrs = true; __ignoreNulls = true; x = null; y = 1;'))
case("structured-dep", 'let dep = ' + drv('"dep"') + '; in ' + drv('"sa"', '__structuredAttrs = true; d = dep; l = [ dep "${dep}/bin" ]; p = dep.drvPath;')) 
case("structured-path", drv('"sa"', '__structuredAttrs = true; p = ../fixtures/hello.txt;'))
case("json-raw", drv('"j"', '__json = builtins.toJSON { a = 1; }; b = 2;'))

# __ignoreNulls.
for e in ['x = null;', 'x = null; y = "kept";', 'outputs = null;', 'args = [ ]; z = null;', 'n = [ null ];']:
    case("ignorenulls", drv('"in"', "__ignoreNulls = true; " + e))
    case("no-ignorenulls", drv('"in"', "__ignoreNulls = false; " + e))

# Dependencies and contexts.
D = lambda n, e="": drv(nixstr(n), e)
MK = 'let mk = name: extra: derivation ({ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; } // extra); '
FO = 'outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";'
deps = [
    'a = mk "a" { }; in mk "b" { dep = a; }',
    'a = mk "a" { }; in mk "b" { dep = a.outPath; }',
    'a = mk "a" { }; in mk "b" { dep = "${a}/bin/x"; }',
    'a = mk "a" { }; in mk "b" { dep = a.drvPath; }',
    'a = mk "a" { }; b = mk "b" { dep = a; }; in mk "c" { dep = b.drvPath; }',
    'a = mk "a" { }; b = mk "b" { dep = a; }; in mk "c" { dep = b; }',
    'a = mk "a" { }; b = mk "b" { dep = a; }; c = mk "c" { dep = a; }; in mk "d" { x = b; y = c; }',
    'a = mk "a" { outputs = [ "out" "dev" ]; }; in mk "b" { dep = a.dev; }',
    'a = mk "a" { outputs = [ "out" "dev" ]; }; in mk "b" { x = a.dev; y = a.out; }',
    'a = mk "a" { outputs = [ "out" "dev" ]; }; in mk "b" { dep = a.drvPath; }',
    'a = mk "a" { outputs = [ "out" "dev" ]; }; b = mk "b" { dep = a.dev; }; in mk "c" { dep = b.drvPath; }',
    'a = mk "a" { }; in mk "b" { dep = builtins.unsafeDiscardOutputDependency a.drvPath; }',
    'a = mk "a" { }; in mk "b" { dep = builtins.unsafeDiscardStringContext a.outPath; }',
    'a = mk "a" { }; in mk "b" { args = [ a ]; }',
    'a = mk "a" { }; in mk "b" { builder = "${a}/bin/sh"; }',
    'fo = mk "fo" { ' + FO + ' outputHashMode = "recursive"; }; in mk "b" { dep = fo; }',
    'fo = mk "fo" { ' + FO + ' outputHashMode = "recursive"; extra = "1"; }; in mk "b" { dep = fo; }',
    'fo1 = mk "fo" { ' + FO + ' how = "1"; }; fo2 = mk "fo" { ' + FO + ' how = "2"; }; in mk "b" { x = fo1; y = fo2; }',
    'fo = mk "fo" { ' + FO + ' }; in mk "b" { dep = fo.drvPath; }',
    'fo = mk "fo" { ' + FO + ' }; a = mk "a" { dep = fo; }; in mk "b" { dep = a; }',
    'a = mk "a" { }; in builtins.toFile "t" "${a.drvPath}"',
    't = builtins.toFile "t" "text"; in mk "b" { dep = t; }',
    't = builtins.toFile "t" "text"; u = builtins.toFile "u" "${t}"; in mk "b" { dep = u; }',
    't = builtins.toFile "t" "text"; a = mk "a" { dep = t; }; in mk "b" { dep = a.drvPath; }',
    'p = ../fixtures/hello.txt; in mk "b" { src = p; }',
    'p = ../fixtures/tree; in mk "b" { src = p; args = [ p ]; }',
    'a = mk "a" { }; in mk "b" { dep = builtins.appendContext "x" { ${builtins.unsafeDiscardStringContext a.drvPath} = { outputs = [ "out" ]; }; }; }',
    'a = mk "a" { }; in mk "b" { dep = builtins.appendContext "x" { ${builtins.unsafeDiscardStringContext a.drvPath} = { allOutputs = true; }; }; }',
    'a = mk "a" { }; in mk "b" { dep = builtins.appendContext "x" { ${builtins.unsafeDiscardStringContext a.drvPath} = { path = true; }; }; }',
    'a = mk "a" { outputs = [ "out" "dev" ]; }; in builtins.getContext (builtins.appendContext "x" { ${builtins.unsafeDiscardStringContext a.drvPath} = { outputs = [ "dev" "out" ]; path = true; allOutputs = true; }; })',
    'chain = n: if n == 0 then mk "c0" { } else mk "c${toString n}" { prev = chain (n - 1); }; in chain 10',
    'chain = n: if n == 0 then mk "c0" { } else mk "c${toString n}" { prev = (chain (n - 1)).drvPath; }; in chain 5',
    'a = mk "a" { }; in builtins.getContext "${a} ${a.drvPath}"',
    'a = mk "a" { outputs = [ "out" "dev" ]; }; in builtins.getContext (a.dev.outPath + a.drvPath)',
    'a = mk "a" { }; in builtins.hasContext a.outPath',
    'a = mk "a" { }; s = builtins.substring 0 3 a.outPath; in mk "b" { dep = s; }',
    'a = mk "a" { }; in mk "b" { dep = builtins.toJSON { x = a; }; }',
    'a = mk "a" { }; in mk "b" { deps = map toString [ a a ]; }',
    'a = mk "a" { outputs = [ "out" "dev" ]; }; in mk "b" { dep = builtins.placeholder "dev"; outputs = [ "out" "dev" ]; x = a.all; }',
    'a = mk "a" { }; in mk "b" { x = a; __structuredAttrs = true; }',
    'a = mk "a" { }; b = mk "b" { x = a.drvPath; }; in [ a b (mk "c" { x = [ a b ]; }) ]',
    'a = mk "a" { }; in { inherit a; b = mk "b" { x = a; }; }',
    'a = mk "a" { outputs = [ "lib" "bin" ]; }; in mk "b" { x = a; }',
]
for d in deps:
    case("deps", MK + d)

# Placeholders.
for o in ["out", "dev", "bin", "x", ""]:
    case("placeholder", f'builtins.placeholder "{o}"')
case("placeholder-in-drv", D("p", 'x = "${placeholder "out"}/bin"; outputs = [ "out" "bin" ]; y = placeholder "bin";'))

# toFile.
for nm, body in [("t", "hello"), ("empty", ""), ("nl", "a\\nb\\n"), ("unicode", "ünïcödé ✓"), ("x.sh", "#!/bin/sh"), ("quotes", "\\\"q\\\" \\\\")]:
    case("tofile", f'builtins.toFile "{nm}" "{body}"')
case("tofile-ref", 'let a = builtins.toFile "a" "A"; in builtins.toFile "b" "${a} and ${a}"')
case("tofile-refs", 'let a = builtins.toFile "a" "A"; b = builtins.toFile "b" "B"; in builtins.toFile "c" "${b}${a}"')
case("tofile-path-ref", 'builtins.toFile "r" "${../fixtures/hello.txt}"')
case("tofile-dir-ref", 'builtins.toFile "r" "${../fixtures/tree}"')
case("tofile-context", 'builtins.getContext (builtins.toFile "c" "x")')

# Path imports.
for p in ["hello.txt", "empty", "script.sh", "unicode-content.txt", "tree", "tree/sub", "tree/sub/run", "tree/ünïcödé", "link", "tree/link-to-a", "tree/dangling", "only-files", "tree/empty-dir"]:
    case("import", f'"${{../fixtures/{p}}}"')
case("import-concat", '"${../fixtures/hello.txt}/x"')
case("import-plus", '../fixtures/hello.txt + ""')
case("import-string-plus-path", '"" + ../fixtures/hello.txt')
case("import-context", 'builtins.getContext "${../fixtures/tree}"')
case("import-twice", '[ "${../fixtures/tree}" "${../fixtures/tree}" ]')

# builtins.path.
bp = [
    'path = ../fixtures/hello.txt;',
    'path = ../fixtures/tree;',
    'path = ../fixtures/tree; name = "renamed";',
    'path = ../fixtures/hello.txt; name = "other-name";',
    'path = ../fixtures/hello.txt; recursive = false;',
    'path = ../fixtures/script.sh; recursive = false;',
    'path = ../fixtures/script.sh;',
    'path = ../fixtures/tree; filter = p: t: t != "symlink";',
    'path = ../fixtures/tree; filter = p: t: t == "directory";',
    'path = ../fixtures/tree; filter = p: t: baseNameOf p != "sub";',
    'path = ../fixtures/tree; filter = p: t: false;',
    'path = ../fixtures/tree; filter = p: t: builtins.match ".*\\\\.nix" p == null;',
    'path = ../fixtures/tree; name = "f"; filter = p: t: t == "regular" || t == "directory";',
    'path = ../fixtures/hello.txt; sha256 = "1k1v0pxnz4xc2ffp0gf1wcyjz2rqaxg1r8gwmyjmwbfk8ikrw5pc";',
    'path = ../fixtures/tree/sub;',
    'path = ../fixtures/only-files; recursive = true;',
    'path = ../fixtures/empty; recursive = false;',
    'path = "${toString ../fixtures}/hello.txt";',
]
for e in bp:
    case("builtins-path", f'builtins.path {{ {e} }}')
case("builtins-path-sha256-flat", 'builtins.path { path = ../fixtures/hello.txt; recursive = false; sha256 = "1k1v0pxnz4xc2ffp0gf1wcyjz2rqaxg1r8gwmyjmwbfk8ikrw5pc"; }')

# filterSource.
for flt in ['p: t: true', 'p: t: false', 'p: t: t != "symlink"', 'p: t: t == "directory" || baseNameOf p == "a.txt"', 'p: t: baseNameOf p != "ünïcödé"', 'p: t: !(builtins.elem (baseNameOf p) [ "sub" "b.nix" ])']:
    case("filtersource", f'builtins.filterSource ({flt}) ../fixtures/tree')
case("filtersource-file", 'builtins.filterSource (p: t: true) ../fixtures/hello.txt')
case("filtersource-in-drv", D("fs", 'src = builtins.filterSource (p: t: t == "regular") ../fixtures/only-files;'))

# storePath / storeDir.
case("storedir", 'builtins.storeDir')

# Error cases.
errs = [
    ("bad-name-tilde", D("~jiggle~")),
    ("bad-name-space", D("has space")),
    ("bad-name-unicode", D("ünïcödé")),
    ("bad-name-empty", D("")),
    ("bad-name-long", D("a" * 212)),
    ("bad-name-slash", D("a/b")),
    ("bad-name-drv", D("x.drv")),
    ("missing-builder", 'derivation { name = "x"; system = "s"; }'),
    ("missing-system", 'derivation { name = "x"; builder = "b"; }'),
    ("missing-name", 'derivation { system = "s"; builder = "b"; }'),
    ("empty-builder", D("x", "").replace('builder = "/bin/sh"', 'builder = ""')),
    ("dup-output", D("x", 'outputs = [ "out" "out" ];')),
    ("empty-outputs", D("x", 'outputs = [ ];')),
    ("drvpath-output", D("x", 'outputs = [ "drvPath" ];')),
    ("output-not-string", D("x", 'outputs = [ 1 ];')),
    ("fixed-multi-output", D("x", 'outputs = [ "out" "dev" ]; outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";')),
    ("hash-wrong-length", D("x", 'outputHash = "abc"; outputHashAlgo = "sha256";')),
    ("hash-no-algo", D("x", 'outputHash = "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73";')),
    ("hash-bad-algo", D("x", 'outputHash = "abc"; outputHashAlgo = "sha42";')),
    ("hash-algo-mismatch", D("x", 'outputHash = "md5:d41d8cd98f00b204e9800998ecf8427e"; outputHashAlgo = "sha256";')),
    ("hash-bad-base16", D("x", 'outputHash = "' + "g" * 64 + '"; outputHashAlgo = "sha256";')),
    ("hash-bad-base32", D("x", 'outputHash = "' + "e" * 52 + '"; outputHashAlgo = "sha256";')),
    ("hash-bad-sri", D("x", 'outputHash = "sha256-AAAA";')),
    ("hash-bad-base64", D("x", 'outputHash = "' + "!" * 44 + '"; outputHashAlgo = "sha256";')),
    ("hash-unknown-prefix", D("x", 'outputHash = "blah:abc";')),
    ("hash-empty-no-algo", D("x", 'outputHash = "";')),
    ("hash-mode-bad", D("x", 'outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; outputHashMode = "foo";')),
    ("structured-not-bool", D("x", '__structuredAttrs = 1;')),
    ("ignorenulls-not-bool", D("x", '__ignoreNulls = "yes";')),
    ("env-set", D("x", 'x = { };')),
    ("env-function", D("x", 'x = y: y;')),
    ("args-not-list", D("x", 'args = "a";')),
    ("args-set", D("x", 'args = [ { } ];')),
    ("system-context", 'let a = ' + D("a") + '; in derivation { name = "x"; builder = "b"; system = a.outPath; __structuredAttrs = true; }'),
    ("name-context", 'let a = ' + D("a") + '; in derivation { name = "x${a}"; builder = "b"; system = "s"; }'),
    ("name-not-string", 'derivation { name = 1; builder = "b"; system = "s"; }'),
    ("not-a-set", 'derivationStrict "x"'),
    ("tofile-drv-ref", 'let a = ' + D("a") + '; in builtins.toFile "x" "${a}"'),
    ("tofile-bad-name", 'builtins.toFile "a b" "x"'),
    ("path-missing", 'builtins.path { path = ../fixtures/does-not-exist; }'),
    ("path-bad-sha", 'builtins.path { path = ../fixtures/hello.txt; sha256 = "1111111111111111111111111111111111111111111111111111"; }'),
    ("path-bad-attr", 'builtins.path { path = ../fixtures/hello.txt; foo = 1; }'),
    ("path-bad-name", 'builtins.path { path = ../fixtures/hello.txt; name = "a b"; }'),
    ("path-no-path", 'builtins.path { name = "x"; }'),
    ("filtersource-not-fn", 'builtins.filterSource 1 ../fixtures/tree'),
    ("filtersource-throws", 'builtins.filterSource (p: t: throw "no") ../fixtures/tree'),
    ("filtersource-not-bool", 'builtins.filterSource (p: t: 1) ../fixtures/tree'),
    ("import-missing", '"${../fixtures/nope}"'),
    ("placeholder-int", 'builtins.placeholder 1'),
    ("storepath-not-store", 'builtins.storePath "/tmp/x"'),
]
for name, text in errs:
    case("error-" + name, text)
PY

# --- expectations ------------------------------------------------------
cd "$root"
count=0
for c in cases/*.nix; do
  name="$(basename "$c" .nix)"
  exp="expected/$name.txt"
  expr="builtins.toJSON ((import ./summarise.nix).summarise (import ./cases/$name.nix))"
  # Instantiate first: 2.8's --eval is read-only and needs the .drv files
  # of a `=drv` closure to be in the store already.
  drvs="$(nix-instantiate -E "(import ./summarise.nix).drvsOf (import ./cases/$name.nix)" 2>/dev/null | sed "s/!.*//" | sort -u || true)"
  if json="$(nix-instantiate --eval --json -E "$expr" 2>/tmp/gen-drv-err)"; then
    printf 'result %s\n' "$(python3 -c 'import json,sys; print(json.loads(sys.stdin.read()))' <<<"$json")" >"$exp"
    if [ -n "$drvs" ]; then
      for p in $(nix-store -qR $drvs | sort); do
        case "$p" in
          *.drv) printf 'drv %s\n%s\n' "$p" "$(cat "$p")" >>"$exp" ;;
        esac
      done
    fi
  else
    { echo "error"; grep -v "^warning: you did not specify" /tmp/gen-drv-err; } >"$exp"
  fi
  count=$((count + 1))
done
echo "generated $count cases in $root"
