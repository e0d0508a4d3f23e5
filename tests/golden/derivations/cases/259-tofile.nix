builtins.toFile "nl" "a\nb\n"
