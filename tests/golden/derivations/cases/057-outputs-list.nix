derivation { name = "multi"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "bin" "out" "lib" "man" "dev" "doc" ]; }
