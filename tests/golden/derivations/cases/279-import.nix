"${../fixtures/only-files}"
