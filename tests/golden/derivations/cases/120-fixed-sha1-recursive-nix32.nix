derivation { name = "fixed-1"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "iwjz551fyw0cxcjgf4l6c879zabd6wpm"; outputHashAlgo = "sha1"; outputHashMode = "recursive"; }
