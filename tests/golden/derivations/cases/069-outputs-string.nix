derivation { name = "multistr"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = "out"; }
