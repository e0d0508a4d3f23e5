derivation { name = "fixed-0"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73";  outputHashMode = "recursive"; }
