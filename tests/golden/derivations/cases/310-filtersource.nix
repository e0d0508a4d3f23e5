builtins.filterSource (p: t: !(builtins.elem (baseNameOf p) [ "sub" "b.nix" ])) ../fixtures/tree
