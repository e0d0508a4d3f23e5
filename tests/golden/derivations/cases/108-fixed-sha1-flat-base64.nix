derivation { name = "fixed-1"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "9XLTlvrpIGYocU+yzgD3LpTyJY8="; outputHashAlgo = "sha1";  }
