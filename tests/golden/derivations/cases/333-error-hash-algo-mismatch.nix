derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "md5:d41d8cd98f00b204e9800998ecf8427e"; outputHashAlgo = "sha256"; }
