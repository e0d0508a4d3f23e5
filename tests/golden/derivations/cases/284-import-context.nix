builtins.getContext "${../fixtures/tree}"
