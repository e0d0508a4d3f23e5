derivation { name = "s"; system = "i686-linux"; builder = "/bin/sh";  }
