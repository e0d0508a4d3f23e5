derivation { name = 1; builder = "b"; system = "s"; }
