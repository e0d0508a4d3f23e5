builtins.path { path = ../fixtures/script.sh; recursive = false; }
