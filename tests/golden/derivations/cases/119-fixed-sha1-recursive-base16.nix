derivation { name = "fixed-1"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "f572d396fae9206628714fb2ce00f72e94f2258f"; outputHashAlgo = "sha1"; outputHashMode = "recursive"; }
