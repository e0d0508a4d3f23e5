derivation { name = "x_y.z+w?v=u"; system = "x86_64-linux"; builder = "/bin/sh";  }
