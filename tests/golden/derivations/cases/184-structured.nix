derivation { name = "sa"; system = "x86_64-linux"; builder = "/bin/sh"; __structuredAttrs = true; e = { }; l = [ ]; n = null; t = true; f = false; }
