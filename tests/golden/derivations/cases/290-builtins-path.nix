builtins.path { path = ../fixtures/hello.txt; recursive = false; }
