builtins.filterSource (p: t: 1) ../fixtures/tree
