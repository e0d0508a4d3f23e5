"${../fixtures/nope}"
