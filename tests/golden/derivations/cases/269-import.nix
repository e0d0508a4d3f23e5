"${../fixtures/empty}"
