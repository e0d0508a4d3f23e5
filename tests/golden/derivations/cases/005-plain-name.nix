derivation { name = "0start"; system = "x86_64-linux"; builder = "/bin/sh";  }
