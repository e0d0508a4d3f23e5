derivation { name = "f"; system = "x86_64-linux"; builder = "/bin/sh"; x = 1.5; }
