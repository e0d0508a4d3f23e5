derivation { name = "p"; system = "x86_64-linux"; builder = "/bin/sh"; x = "${placeholder "out"}/bin"; outputs = [ "out" "bin" ]; y = placeholder "bin"; }
