derivation { name = "env"; system = "x86_64-linux"; builder = "/bin/sh"; unicode = "ünïcödé ✓ 日本 🎉"; }
