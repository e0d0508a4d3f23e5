derivation { name = "s"; system = "aarch64-darwin"; builder = "/bin/sh";  }
