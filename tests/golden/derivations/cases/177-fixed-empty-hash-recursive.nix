derivation { name = "e"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = ""; outputHashAlgo = "sha1"; outputHashMode = "recursive"; }
