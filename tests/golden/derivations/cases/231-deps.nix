let mk = name: extra: derivation ({ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; } // extra); t = builtins.toFile "t" "text"; a = mk "a" { dep = t; }; in mk "b" { dep = a.drvPath; }
