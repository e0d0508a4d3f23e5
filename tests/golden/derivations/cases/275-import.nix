"${../fixtures/tree/ünïcödé}"
