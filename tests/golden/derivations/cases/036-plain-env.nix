derivation { name = "env"; system = "x86_64-linux"; builder = "/bin/sh"; a = "1"; b = "2"; c = "3"; z = "26"; A = "upper"; Z = "UPPER"; }
