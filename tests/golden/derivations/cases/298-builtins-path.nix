builtins.path { path = ../fixtures/tree; name = "f"; filter = p: t: t == "regular" || t == "directory"; }
