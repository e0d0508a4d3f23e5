"${../fixtures/script.sh}"
