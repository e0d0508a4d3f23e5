builtins.path { path = ../fixtures/only-files; recursive = true; }
