"${../fixtures/tree/dangling}"
