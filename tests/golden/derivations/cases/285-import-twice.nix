[ "${../fixtures/tree}" "${../fixtures/tree}" ]
