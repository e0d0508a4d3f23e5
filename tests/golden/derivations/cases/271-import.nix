"${../fixtures/unicode-content.txt}"
