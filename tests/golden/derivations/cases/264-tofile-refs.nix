let a = builtins.toFile "a" "A"; b = builtins.toFile "b" "B"; in builtins.toFile "c" "${b}${a}"
