derivation { name = "UPPER-lower"; system = "x86_64-linux"; builder = "/bin/sh";  }
