derivation { name = "multi"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "z" "y" "x" ]; }
