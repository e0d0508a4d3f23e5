builtins.path { path = ../fixtures/tree; filter = p: t: t != "symlink"; }
