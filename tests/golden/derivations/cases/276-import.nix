"${../fixtures/link}"
