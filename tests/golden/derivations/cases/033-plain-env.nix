derivation { name = "env"; system = "x86_64-linux"; builder = "/bin/sh"; path_str = "/nix/store/not-a-context"; }
