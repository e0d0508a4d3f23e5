builtins.toFile "r" "${../fixtures/hello.txt}"
