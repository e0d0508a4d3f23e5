builtins.path { path = ../fixtures/script.sh; }
