builtins.path { path = ../fixtures/hello.txt; name = "a b"; }
