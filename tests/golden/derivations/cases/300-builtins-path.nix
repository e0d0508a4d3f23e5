builtins.path { path = ../fixtures/tree/sub; }
