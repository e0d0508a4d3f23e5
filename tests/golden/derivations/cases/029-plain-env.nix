derivation { name = "env"; system = "x86_64-linux"; builder = "/bin/sh"; list = [ "a" "b" 1 true false null [ "x" [ ] ] ]; }
