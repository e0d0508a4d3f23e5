derivation { name = "fixed-0"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";   }
