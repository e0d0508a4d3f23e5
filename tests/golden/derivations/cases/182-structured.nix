derivation { name = "sa"; system = "x86_64-linux"; builder = "/bin/sh"; __structuredAttrs = true; s = "quote\" back\\ nl\n tab\t ü ✓"; }
