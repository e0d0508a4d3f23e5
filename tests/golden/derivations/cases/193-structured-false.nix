derivation { name = "sa"; system = "x86_64-linux"; builder = "/bin/sh"; __structuredAttrs = false; x = 1; }
