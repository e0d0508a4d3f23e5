let mk = name: extra: derivation ({ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; } // extra); a = mk "a" { }; b = mk "b" { dep = a; }; in mk "c" { dep = b; }
