../fixtures/hello.txt + ""
