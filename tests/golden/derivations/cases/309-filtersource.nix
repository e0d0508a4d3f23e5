builtins.filterSource (p: t: baseNameOf p != "ünïcödé") ../fixtures/tree
