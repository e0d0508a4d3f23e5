derivation { name = "fixed-0"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "md5:3y8bwfr609h3lh9ch0izcqq7fl";   }
