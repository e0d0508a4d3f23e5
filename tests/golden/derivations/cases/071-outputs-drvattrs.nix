let d = derivation { name = "m"; system = "x86_64-linux"; builder = "/bin/sh"; extra = "x"; }; in d.drvAttrs
