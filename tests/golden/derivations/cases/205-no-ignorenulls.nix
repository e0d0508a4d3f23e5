derivation { name = "in"; system = "x86_64-linux"; builder = "/bin/sh"; __ignoreNulls = false; args = [ ]; z = null; }
