"""Settle PayGov payments whose callback never came (QUERY), and fetch missing receipts (GET_BILL).

Run it periodically (cron, or the ``payments_settle_task`` task): docs/payments.md, "Settlement".
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dvctt.integrations.payments.paygov.services import paygov_settle_pending


class Command(BaseCommand):
    help = "Query the pending PayGov payments older than N minutes and settle them; fetch missing receipts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            help="minutes (default: DVCTT_PAYGOV_SETTLE_AFTER_MINUTES)",
        )

    def handle(self, *args, older_than, **options):
        counts = paygov_settle_pending(older_than_minutes=older_than)
        summary = ", ".join(f"{name}: {count}" for name, count in sorted(counts.items())) or "nothing to do"
        self.stdout.write(f"payments_settle: {summary}")
