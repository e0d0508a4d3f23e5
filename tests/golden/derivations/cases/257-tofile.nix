builtins.toFile "t" "hello"
