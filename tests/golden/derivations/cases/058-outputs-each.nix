let d = derivation { name = "multi-each"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "bin" "out" "lib" "man" "dev" "doc" ]; }; in map (o: d.${o}) d.outputs
