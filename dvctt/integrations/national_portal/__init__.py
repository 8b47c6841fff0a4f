"""Sync of dossiers to the National Public Service Portal (DVCQG), spec/national-portal.md §1.

``client`` speaks the two transports, ``record`` builds the record, ``adapter`` is the outbox adapter,
``sandbox`` a local portal for the demo and the tests (docs/national-portal.md).
"""
