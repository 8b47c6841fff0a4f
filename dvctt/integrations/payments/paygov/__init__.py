"""The national payment platform (PayGov): spec/national-portal.md §2, docs/payments.md "PayGov".

- ``protocol``: the messages and their ``MaXacThuc`` checksum (SHA-256 over fields joined by ``|`` + secret).
- ``config``: the connection, from settings / environment.
- ``client``: INIT, QUERY, GET_BILL over HTTP, and reading the platform's signed result callback.
- ``services``: start a PayGov payment, act on its callback, settle pending ones by QUERY, keep the receipt.
- ``sandbox``: a local platform speaking the same protocol (``dvctt paygov_sandbox --port N``).
"""
