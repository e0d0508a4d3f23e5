let d = derivation { name = "multi-each"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; }; in map (o: d.${o}) d.outputs
