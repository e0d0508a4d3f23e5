builtins.placeholder 1
