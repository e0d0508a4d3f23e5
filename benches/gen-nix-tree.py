#!/usr/bin/env python3
"""Generate a deterministic tree of realistic Nix files for benchmarking `tvix check`.

usage: gen-nix-tree.py OUT_DIR [FILE_COUNT] [SEED]

Writes FILE_COUNT files (default 5000, about 2 MB) under OUT_DIR in a
nixpkgs-like layout:

  pkgs/by-name/<xx>/<name>/package.nix   callPackage-style derivations (35 %)
  pkgs/development/<name>/<major>.nix    version pins calling a generic builder (45 %)
  nixos/modules/<area>/<name>.nix        NixOS modules with `with lib;`, `let … in`,
                                         options and nested config (10 %)
  lib/<name>.nix                         library functions: lambdas, folds, `rec` (10 %)
  default.nix                            the entry point

A known share of the files carries one deliberate problem:

  syntax-error        3 %   a missing `;`, an unclosed `{` or a stray `)`
  undefined-variable  5 %   a name no scope provides (never under a `with`)
  unused-binding      7 %   an unused `let` binding or function argument

The same seed always produces byte-identical output. OUT_DIR must not exist
or be empty. `OUT_DIR/MANIFEST.json` lists the files with problems (it is not
a `.nix` file, so `tvix check` ignores it).
"""

import json
import os
import random
import sys

PROBLEM_RATES = [("syntax-error", 0.03), ("undefined-variable", 0.05), ("unused-binding", 0.07)]

SYLLABLES = [
    "ab", "ar", "bel", "bo", "cal", "cor", "da", "dex", "el", "fen", "gal", "gio", "har",
    "ix", "jo", "kel", "lib", "lu", "mar", "mo", "nix", "nu", "or", "pa", "pix", "qu",
    "ra", "ro", "sa", "sel", "ta", "tor", "ul", "va", "vim", "wa", "xen", "yo", "za", "zo",
]
DEPS = [
    "openssl", "zlib", "curl", "libxml2", "sqlite", "python3", "perl", "ncurses", "readline",
    "libffi", "glib", "gtk3", "libpng", "libjpeg", "expat", "pcre2", "boost", "icu", "libuv",
    "systemd", "dbus", "libusb1", "gettext", "bzip2", "xz", "zstd", "libiconv", "protobuf",
]
NATIVE_DEPS = ["pkg-config", "cmake", "meson", "ninja", "autoreconfHook", "makeWrapper", "installShellFiles"]
LICENSES = ["mit", "asl20", "gpl2Plus", "gpl3Only", "lgpl21Plus", "bsd3", "mpl20", "isc"]
PLATFORMS = ["unix", "linux", "darwin", "all"]
MAINTAINERS = ["alice", "bob", "carol", "dave", "erin", "frank"]
AREAS = ["services/networking", "services/web-servers", "services/databases", "programs", "hardware", "system/boot"]
WORDS = [
    "fast", "small", "secure", "portable", "modern", "library", "tool", "daemon", "server",
    "client", "parser", "compressor", "viewer", "editor", "for", "and", "the", "of", "data",
]
NIX32 = "0123456789abcdfghijklmnpqrsvwxyz"


def name(rng, used):
    """A fresh package-like name, unique within `used`."""
    while True:
        candidate = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        if rng.random() < 0.3:
            candidate += "-" + rng.choice(["utils", "tools", "cli", "ng", "lib"])
        if candidate not in used:
            used.add(candidate)
            return candidate


def sentence(rng, lo=3, hi=7):
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return (" ".join(words)).capitalize()


def nix_hash(rng):
    return "".join(rng.choice(NIX32) for _ in range(52))


def package(rng, pname, problem):
    """A callPackage-style derivation."""
    deps = sorted(rng.sample(DEPS, rng.randint(1, 4)))
    native = sorted(rng.sample(NATIVE_DEPS, rng.randint(0, 2)))
    formals = ["lib", "stdenv", "fetchurl"] + native + deps
    body = []
    let_bindings = []
    if rng.random() < 0.3:
        let_bindings.append(f'majorMinor = lib.versions.majorMinor "{rng.randint(1, 9)}.{rng.randint(0, 20)}";')
        body.append('  passthru = { inherit majorMinor; };')
    if problem == "unused-binding":
        if rng.random() < 0.5:
            let_bindings.append('unusedPatches = [ ./fix-build.patch ];')
        else:
            formals.append("unusedArg")
    extra = ""
    if problem == "undefined-variable":
        extra = " " + rng.choice(["libfooo", "opensssl", "zlibb", "pythonPackages"])
    semicolon = ";"
    if problem == "syntax-error":
        semicolon = rng.choice(["", ";)"])

    lines = ["{ " + "\n, ".join(formals) + "\n}:", ""]
    if let_bindings:
        lines += ["let"] + ["  " + b for b in let_bindings] + ["in", ""]
    lines += [
        "stdenv.mkDerivation rec {",
        f'  pname = "{pname}";',
        f'  version = "{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}";',
        "",
        "  src = fetchurl {",
        f'    url = "https://example.org/{pname}/releases/${{pname}}-${{version}}.tar.gz";',
        f'    sha256 = "{nix_hash(rng)}"{semicolon}',
        "  };",
        "",
    ]
    if native:
        lines.append(f"  nativeBuildInputs = [ {' '.join(native)} ];")
    lines.append(f"  buildInputs = [ {' '.join(deps)}{extra} ];")
    if rng.random() < 0.4:
        lines.append(f'  configureFlags = [ "--enable-{rng.choice(WORDS)}" "--with-{deps[0]}=${{{deps[0]}}}" ];')
    if rng.random() < 0.3:
        lines += ["  postInstall = ''", "    mkdir -p $out/share/doc/${pname}", "    cp README* $out/share/doc/${pname}/", "  '';"]
    if rng.random() < 0.3:
        lines.append(f"  doCheck = {rng.choice(['true', 'false', '!stdenv.hostPlatform.isDarwin'])};")
    lines += body
    lines += [
        "",
        "  meta = with lib; {",
        f'    description = "{sentence(rng)}";',
        f'    homepage = "https://example.org/{pname}";',
        f"    license = licenses.{rng.choice(LICENSES)};",
        f"    maintainers = with maintainers; [ {rng.choice(MAINTAINERS)} ];",
        f"    platforms = platforms.{rng.choice(PLATFORMS)};",
        "  };",
        "}",
    ]
    return "\n".join(lines) + "\n"


def module(rng, mname, problem):
    """A NixOS module: options and config under `with lib;`."""
    port = rng.randint(1024, 65000)
    let_bindings = [
        f"cfg = config.services.{mname};",
        "settingsFormat = pkgs.formats.toml { };",
        f'configFile = settingsFormat.generate "{mname}.toml" cfg.settings;',
    ]
    if problem == "unused-binding":
        let_bindings.append(f'defaultUser = "{mname}";')
    close = "};"
    if problem == "syntax-error":
        close = "}"
    # Under `with lib;` any free name could come from `lib`, so the
    # undefined name is put where `with` cannot reach: a formal default.
    formals = "{ config, lib, pkgs, ... }:"
    if problem == "undefined-variable":
        formals = "{ config, lib, pkgs, extraArgs ? defaultExtraArgs, ... }:"
    lines = [
        formals,
        "",
        "with lib;",
        "",
        "let",
        *("  " + b for b in let_bindings),
        "in",
        "{",
        f"  options.services.{mname} = {{",
        f'    enable = mkEnableOption "the {mname} service";',
        f'    package = mkPackageOption pkgs "{mname}" {{ }};',
        f"    port = mkOption {{ type = types.port; default = {port}; description = \"Port to listen on.\"; }};",
        "    settings = mkOption {",
        "      type = settingsFormat.type;",
        "      default = { };",
        f'      description = "{sentence(rng)}.";',
        "    };",
        "  };",
        "",
        "  config = mkIf cfg.enable {",
        f"    systemd.services.{mname} = {{",
        f'      description = "{mname} daemon";',
        '      wantedBy = [ "multi-user.target" ];',
        '      after = [ "network.target" ];',
        "      serviceConfig = {",
        f'        ExecStart = "${{cfg.package}}/bin/{mname} --config ${{configFile}} --port ${{toString cfg.port}}";',
        "        DynamicUser = true;",
        f'        Restart = "{rng.choice(["always", "on-failure"])}";',
        "      };",
        f"    {close}",
    ]
    if problem == "undefined-variable":
        lines.append("    environment.etc.extra.text = builtins.toJSON extraArgs;")
    if rng.random() < 0.5:
        lines.append("    networking.firewall.allowedTCPPorts = [ cfg.port ];")
    lines += ["  };", "}"]
    return "\n".join(lines) + "\n"


def library(rng, lname, problem):
    """A file of library functions."""
    f1, f2, f3 = (f"{lname}{s}" for s in ("Map", "Fold", "Join"))
    bindings = [
        f"{f1} = f: list: map (x: f x) list;",
        f"{f2} = op: nul: list: builtins.foldl' op nul list;",
        f"{f3} = sep: list: lib.concatMapStringsSep sep toString list;",
        f"count = {f2} (acc: _: acc + 1) 0;",
        f'describe = xs: "${{toString (count xs)}} items: ${{{f3} ", " xs}}";',
    ]
    if problem == "undefined-variable":
        bindings.append(f"broken = x: {f1} x undefinedHelper;")
    if problem == "syntax-error":
        bindings[-1] = bindings[-1].rstrip(";")
    lines = ["{ lib }:", ""]
    if problem == "unused-binding":
        lines += ["let", "  scratch = lib.id;", "in"]
    lines += ["rec {", *("  " + b for b in bindings), "}"]
    return "\n".join(lines) + "\n"


def pin(rng, pname, problem):
    """A version pin that calls a shared generic builder."""
    b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    digest = "".join(rng.choice(b64) for _ in range(43)) + "="
    version = f"{rng.randint(1, 20)}.{rng.randint(0, 12)}"
    args = [f'version = "{version}";', f'hash = "sha256-{digest}";']
    if problem == "undefined-variable":
        args.append("inherit stdenvNoCC;")
    if problem == "syntax-error":
        args[0] = args[0].rstrip(";")
    lines = ["{ callPackage }:", ""]
    if problem == "unused-binding":
        lines += ["let", f'  previous = "{version}.0";', "in"]
    lines += ["callPackage ./generic.nix {", *("  " + a for a in args), "}"]
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) >= 2 else 2
    out = argv[1]
    count = int(argv[2]) if len(argv) > 2 else 5000
    seed = int(argv[3]) if len(argv) > 3 else 1
    if os.path.exists(out) and os.listdir(out):
        print(f"gen-nix-tree: {out} exists and is not empty", file=sys.stderr)
        return 2
    rng = random.Random(seed)
    used = set()
    files = []  # (relative path, text, problem)
    for _ in range(count - 1):
        problem = None
        roll = rng.random()
        for kind, rate in PROBLEM_RATES:
            if roll < rate:
                problem = kind
                break
            roll -= rate
        kind = rng.random()
        n = name(rng, used)
        if kind < 0.35:
            files.append((f"pkgs/by-name/{n[:2]}/{n}/package.nix", package(rng, n, problem), problem))
        elif kind < 0.80:
            major = rng.randint(1, 20)
            files.append((f"pkgs/development/{n}/{major}.nix", pin(rng, n, problem), problem))
        elif kind < 0.90:
            area = rng.choice(AREAS)
            files.append((f"nixos/modules/{area}/{n}.nix", module(rng, n, problem), problem))
        else:
            files.append((f"lib/{n}.nix", library(rng, n, problem), problem))
    libs = sorted(p for p, _, _ in files if p.startswith("lib/"))
    entry = "{ }:\n\nlet\n  lib = {\n" + "".join(
        f"    {os.path.basename(p)[:-4]} = import ./{p} {{ inherit lib; }};\n" for p in libs
    ) + "  };\nin\nlib\n"
    files.append(("default.nix", entry, None))

    total = 0
    for path, text, _ in files:
        full = os.path.join(out, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
        total += len(text.encode())
    problems = {kind: sorted(p for p, _, k in files if k == kind) for kind, _ in PROBLEM_RATES}
    manifest = {"seed": seed, "files": len(files), "bytes": total, "problems": problems}
    with open(os.path.join(out, "MANIFEST.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    summary = ", ".join(f"{len(v)} {k}" for k, v in problems.items())
    print(f"gen-nix-tree: {len(files)} files, {total} bytes in {out} (seed {seed}; {summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
