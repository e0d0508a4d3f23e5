"${../fixtures/tree/sub}"
