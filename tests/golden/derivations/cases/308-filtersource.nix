builtins.filterSource (p: t: t == "directory" || baseNameOf p == "a.txt") ../fixtures/tree
