let mk = name: extra: derivation ({ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; } // extra); p = ../fixtures/tree; in mk "b" { src = p; args = [ p ]; }
