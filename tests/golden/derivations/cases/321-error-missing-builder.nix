derivation { name = "x"; system = "s"; }
