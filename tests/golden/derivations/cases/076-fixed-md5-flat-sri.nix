derivation { name = "fixed-0"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "md5-1B2M2Y8AsgTpgAmY7PhCfg=="; outputHashAlgo = "md5";  }
