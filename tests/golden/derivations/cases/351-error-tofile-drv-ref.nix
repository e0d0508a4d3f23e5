let a = derivation { name = "a"; system = "x86_64-linux"; builder = "/bin/sh";  }; in builtins.toFile "x" "${a}"
