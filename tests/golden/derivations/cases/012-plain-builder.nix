derivation { name = "b"; system = "x86_64-linux"; builder = "/nix/store/00000000000000000000000000000000-bash/bin/bash";  }
