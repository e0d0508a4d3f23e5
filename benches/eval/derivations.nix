# `derivation`-heavy: 3,000 derivations in a dependency chain of layers,
# each with several outputs, environment attributes and string-context
# references to its dependencies; prints every drvPath and outPath, which
# hashes each derivation (and, through the context, its dependencies').
let
  n = 3000;
  mk = i: deps: derivation {
    name = "pkg-${toString i}";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo ${toString i} > $out" ];
    outputs = [ "out" "dev" ];
    buildInputs = deps;
    version = "1.${toString (i / 7)}";
    meta_description = "package number ${toString i}";
    deps = map (d: "${d}/lib") deps;
  };
  pkgs = builtins.genList (i: mk i (if i < 3 then [ ] else [ (builtins.elemAt pkgs (i - 1)) (builtins.elemAt pkgs (i / 2)).dev ])) n;
in
map (p: { inherit (p) drvPath outPath; dev = p.dev.outPath; }) pkgs
