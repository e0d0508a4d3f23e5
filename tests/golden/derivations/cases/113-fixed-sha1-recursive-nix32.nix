derivation { name = "fixed-0"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "143xibwh31h9bvxzalr0sjvbbvpa6ffs"; outputHashAlgo = "sha1"; outputHashMode = "recursive"; }
