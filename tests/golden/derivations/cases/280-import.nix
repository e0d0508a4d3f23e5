"${../fixtures/tree/empty-dir}"
