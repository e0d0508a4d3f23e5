builtins.path { path = ../fixtures/hello.txt; }
