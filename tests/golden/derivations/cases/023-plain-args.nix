derivation { name = "args"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "quote\"s" "back\\slash" "new\nline" "tab\there" "cr\rhere" "dollar \${x}" ]; }
