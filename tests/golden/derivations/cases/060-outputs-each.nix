let d = derivation { name = "multi-each"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "lib" ]; }; in map (o: d.${o}) d.outputs
