derivation { name = "b"; system = "x86_64-linux"; builder = "builtin:fetchurl";  }
