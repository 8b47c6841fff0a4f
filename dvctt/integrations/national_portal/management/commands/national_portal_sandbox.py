"""Start the local national portal (both transports, fault injection): docs/national-portal.md, "Sandbox"."""

from __future__ import annotations

import contextlib
import signal
from pathlib import Path

from django.core.management.base import BaseCommand

from dvctt.integrations.national_portal.sandbox import PortalState, serve
from dvctt.integrations.national_portal.sandbox_catalogue import catalogue_load


class Command(BaseCommand):
    help = "Start a local National Public Service Portal that validates, keeps and lists what it receives."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--host", default="127.0.0.1", help="loopback by default")
        parser.add_argument("--data", default="", help="JSON file where what was received is kept")
        parser.add_argument("--username", default="dvctt")
        parser.add_argument("--password", default="sandbox")
        parser.add_argument("--client-id", default="dvctt")
        parser.add_argument("--client-secret", default="sandbox")
        parser.add_argument(
            "--catalogue", default="", help="JSON list of national procedures (LayThuTuc details)"
        )

    def handle(
        self, *args, port, host, data, username, password, client_id, client_secret, catalogue="", **options
    ):
        state = PortalState(
            username=username,
            password=password,
            client_id=client_id,
            client_secret=client_secret,
            data_path=Path(data) if data else None,
            catalogue=catalogue_load(catalogue or None),
        )
        self.stdout.write(
            f"national portal sandbox on http://{host}:{port}/ (adapter: /adapter, gateway: /gateway/)"
        )
        self.stdout.flush()
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            with contextlib.suppress(KeyboardInterrupt):
                serve(host=host, port=port, state=state)
        finally:
            state.flush()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
