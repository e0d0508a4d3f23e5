builtins.toFile "x.sh" "#!/bin/sh"
