derivation { name = "~jiggle~"; system = "x86_64-linux"; builder = "/bin/sh";  }
