builtins.storePath "/tmp/x"
