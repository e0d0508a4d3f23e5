builtins.toFile "unicode" "ünïcödé ✓"
