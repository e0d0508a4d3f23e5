derivation { name = "s"; system = "builtin"; builder = "/bin/sh";  }
