builtins.toFile "quotes" "\"q\" \\"
