builtins.filterSource (p: t: true) ../fixtures/tree
