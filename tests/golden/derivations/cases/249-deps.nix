let mk = name: extra: derivation ({ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; } // extra); a = mk "a" { }; in { inherit a; b = mk "b" { x = a; }; }
