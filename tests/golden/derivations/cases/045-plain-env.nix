derivation { name = "env"; system = "x86_64-linux"; builder = "/bin/sh"; drvPathLike = { outPath = "/some/out/path"; }; }
