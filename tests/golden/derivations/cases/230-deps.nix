let mk = name: extra: derivation ({ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; } // extra); t = builtins.toFile "t" "text"; u = builtins.toFile "u" "${t}"; in mk "b" { dep = u; }
