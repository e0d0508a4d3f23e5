derivation { name = "in"; system = "x86_64-linux"; builder = "/bin/sh"; __ignoreNulls = false; x = null; y = "kept"; }
