builtins.path { path = ../fixtures/hello.txt; foo = 1; }
