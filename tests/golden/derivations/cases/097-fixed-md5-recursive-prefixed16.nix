derivation { name = "fixed-1"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "md5:b1946ac92492d2347c6235b4d2611184";  outputHashMode = "recursive"; }
