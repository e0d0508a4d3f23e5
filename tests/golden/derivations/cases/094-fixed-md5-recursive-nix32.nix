derivation { name = "fixed-1"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "4425hx5d1mc9y39llj4k4nm55i"; outputHashAlgo = "md5"; outputHashMode = "recursive"; }
