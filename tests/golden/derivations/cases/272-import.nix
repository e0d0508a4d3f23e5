"${../fixtures/tree}"
