builtins.path { path = ../fixtures/hello.txt; name = "other-name"; }
