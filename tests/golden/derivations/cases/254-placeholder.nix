builtins.placeholder "x"
