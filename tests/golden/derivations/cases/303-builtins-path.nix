builtins.path { path = "${toString ../fixtures}/hello.txt"; }
