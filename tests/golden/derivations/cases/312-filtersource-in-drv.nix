derivation { name = "fs"; system = "x86_64-linux"; builder = "/bin/sh"; src = builtins.filterSource (p: t: t == "regular") ../fixtures/only-files; }
