builtins.toFile "r" "${../fixtures/tree}"
