derivation { name = "env"; system = "x86_64-linux"; builder = "/bin/sh"; passAsFile = [ ];  }
