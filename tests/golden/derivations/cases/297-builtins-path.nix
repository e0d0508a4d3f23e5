builtins.path { path = ../fixtures/tree; filter = p: t: builtins.match ".*\\.nix" p == null; }
