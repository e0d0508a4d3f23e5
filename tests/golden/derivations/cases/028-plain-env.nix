derivation { name = "env"; system = "x86_64-linux"; builder = "/bin/sh"; int = 42; neg = -7; t = true; f = false; n = null; }
