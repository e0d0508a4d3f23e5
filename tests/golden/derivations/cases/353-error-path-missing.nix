builtins.path { path = ../fixtures/does-not-exist; }
