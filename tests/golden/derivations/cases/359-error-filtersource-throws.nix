builtins.filterSource (p: t: throw "no") ../fixtures/tree
