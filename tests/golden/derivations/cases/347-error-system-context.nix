let a = derivation { name = "a"; system = "x86_64-linux"; builder = "/bin/sh";  }; in derivation { name = "x"; builder = "b"; system = a.outPath; __structuredAttrs = true; }
