"""Start the local national payment platform (PayGov protocol, fault modes): docs/payments.md, "PayGov"."""

from __future__ import annotations

import contextlib

from django.core.management.base import BaseCommand

from dvctt.integrations.payments.paygov.config import paygov_config
from dvctt.integrations.payments.paygov.sandbox import MODES, SandboxState, serve


class Command(BaseCommand):
    help = "Start a local PayGov platform: INIT/QUERY/GET_BILL, a payer page, the result callback."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8766)
        parser.add_argument("--host", default="127.0.0.1", help="loopback by default")
        parser.add_argument("--mode", choices=MODES, default="normal")
        parser.add_argument(
            "--callback-url",
            default="http://127.0.0.1:8000/thanh-toan/paygov/ket-qua/",
            help="where the platform calls the province back (server to server)",
        )
        parser.add_argument(
            "--return-url",
            default="http://127.0.0.1:8000/thanh-toan/ket-qua/",
            help="where the payer's browser is sent back",
        )
        parser.add_argument("--partner", default="", help="MaDoiTac (default: DVCTT_PAYGOV_PARTNER)")
        parser.add_argument("--secret", default="", help="shared secret (default: DVCTT_PAYGOV_SECRET)")

    def handle(self, *args, port, host, mode, callback_url, return_url, partner, secret, **options):
        config = paygov_config()
        state = SandboxState(
            partner=partner or config.partner,
            secret=secret or config.secret,
            callback_url=callback_url,
            return_url=return_url,
            mode=mode,
        )
        if not state.partner or not state.secret:
            self.stderr.write("set --partner and --secret (or DVCTT_PAYGOV_PARTNER / DVCTT_PAYGOV_SECRET)")
            return
        self.stdout.write(f"paygov sandbox on http://{host}:{port}/ (api: /api, payer: /pay/, mode: {mode})")
        self.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            serve(host=host, port=port, state=state)
