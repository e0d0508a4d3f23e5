derivation { name = "b"; system = "x86_64-linux"; builder = "relative/builder";  }
