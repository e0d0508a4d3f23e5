derivation { name = "fixed-1"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "b1946ac92492d2347c6235b4d2611184"; outputHashAlgo = "md5"; outputHashMode = "flat"; }
