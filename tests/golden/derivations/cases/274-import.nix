"${../fixtures/tree/sub/run}"
