builtins.path { path = ../fixtures/empty; recursive = false; }
