"${../fixtures/hello.txt}"
