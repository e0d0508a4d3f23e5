builtins.getContext (builtins.toFile "c" "x")
