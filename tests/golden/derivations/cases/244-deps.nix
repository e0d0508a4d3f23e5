let mk = name: extra: derivation ({ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; } // extra); a = mk "a" { }; in mk "b" { dep = builtins.toJSON { x = a; }; }
