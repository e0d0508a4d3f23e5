let d = derivation { name = "multi-each"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "z" "y" "x" ]; }; in map (o: d.${o}) d.outputs
