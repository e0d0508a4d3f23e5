builtins.path { path = ../fixtures/hello.txt; sha256 = "1k1v0pxnz4xc2ffp0gf1wcyjz2rqaxg1r8gwmyjmwbfk8ikrw5pc"; }
