derivation { name = "fixed-1"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "sZRqySSS0jR8YjW00mERhA=="; outputHashAlgo = "md5"; outputHashMode = "recursive"; }
