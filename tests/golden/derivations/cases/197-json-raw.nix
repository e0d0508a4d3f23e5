derivation { name = "j"; system = "x86_64-linux"; builder = "/bin/sh"; __json = builtins.toJSON { a = 1; }; b = 2; }
