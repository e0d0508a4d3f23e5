derivation { name = "fixed-0"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "2jmj7l5rSw0yVb/vlWAYkK/YBwk="; outputHashAlgo = "sha1"; outputHashMode = "recursive"; }
