derivation { name = "env"; system = "x86_64-linux"; builder = "/bin/sh"; "attr with spaces" = "v"; "_" = "u"; }
