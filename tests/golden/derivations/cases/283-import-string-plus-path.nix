"" + ../fixtures/hello.txt
