"${../fixtures/hello.txt}/x"
