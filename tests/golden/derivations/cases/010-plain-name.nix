derivation { name = "nix"; system = "x86_64-linux"; builder = "/bin/sh";  }
