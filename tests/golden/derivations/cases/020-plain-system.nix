derivation { name = "s"; system = "some system with spaces"; builder = "/bin/sh";  }
