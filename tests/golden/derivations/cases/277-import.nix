"${../fixtures/tree/link-to-a}"
