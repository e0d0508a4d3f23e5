builtins.filterSource (p: t: true) ../fixtures/hello.txt
