builtins.placeholder ""
