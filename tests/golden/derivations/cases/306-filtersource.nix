builtins.filterSource (p: t: false) ../fixtures/tree
