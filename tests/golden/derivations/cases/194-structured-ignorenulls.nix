derivation { name = "sa"; system = "x86_64-linux"; builder = "/bin/sh"; __structuredAttrs = true; __ignoreNulls = true; x = null; y = 1; }
