let mk = name: extra: derivation ({ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; } // extra); a = mk "a" { }; s = builtins.substring 0 3 a.outPath; in mk "b" { dep = s; }
