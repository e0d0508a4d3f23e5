derivation { name = "fixed-0"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk";  outputHashMode = "recursive"; }
