derivation { name = "-dash"; system = "x86_64-linux"; builder = "/bin/sh";  }
