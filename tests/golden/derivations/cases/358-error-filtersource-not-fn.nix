builtins.filterSource 1 ../fixtures/tree
