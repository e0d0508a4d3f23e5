# Issue 4's benchmark: 10,000 chained derivations, each depending on the
# one before it through its outPath (a `!out!drv` context); prints the
# drvPath and outPath of each. The list is forced in order, so every
# derivation's dependency has already been hashed when it is reached (no
# deep recursion), and hashing each one reuses its predecessor's hash.
let
  n = 10000;
  chain = builtins.genList (i: derivation {
    name = "chain-${toString i}";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo ${if i == 0 then "start" else builtins.elemAt chain (i - 1)} > $out" ];
  }) n;
in
map (d: { inherit (d) drvPath outPath; }) chain
