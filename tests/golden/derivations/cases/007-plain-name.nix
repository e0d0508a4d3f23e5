derivation { name = "name.with.dots"; system = "x86_64-linux"; builder = "/bin/sh";  }
