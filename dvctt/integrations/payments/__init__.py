"""Online payment of fees through a payment gateway (docs/payments.md).

- ``protocol``: the signed message format (HMAC-SHA256 over canonical fields, shared secret).
- ``client``: the gateway interface the platform talks to (build the redirect, verify a callback).
- ``services``: start a payment, confirm it from the gateway's server-to-server callback (the only thing that
  marks a payment paid), read its state.
- ``sandbox``: a local gateway speaking the same protocol, mounted under ``/sandbox-gateway/`` for the demo and
  the tests.
- ``paygov``: the national payment platform (PayGov), chosen per procedure or unit (``PaymentRoute``).
"""
