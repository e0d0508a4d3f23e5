let mk = name: extra: derivation ({ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; } // extra); p = ../fixtures/hello.txt; in mk "b" { src = p; }
