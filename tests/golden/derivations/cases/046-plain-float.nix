derivation { name = "f"; system = "x86_64-linux"; builder = "/bin/sh"; x = 0.1; }
