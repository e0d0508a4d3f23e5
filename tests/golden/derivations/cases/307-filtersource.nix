builtins.filterSource (p: t: t != "symlink") ../fixtures/tree
