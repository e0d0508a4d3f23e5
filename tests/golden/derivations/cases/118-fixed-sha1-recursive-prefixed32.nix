derivation { name = "fixed-0"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "sha1:143xibwh31h9bvxzalr0sjvbbvpa6ffs";  outputHashMode = "recursive"; }
