derivation { name = "fixed-1"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "sha1-9XLTlvrpIGYocU+yzgD3LpTyJY8=";  outputHashMode = "recursive"; }
