derivation { name = "fixed-0"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"; outputHashAlgo = "sha1";  }
