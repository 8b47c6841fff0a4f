"""Start the local SMS brandname provider and Zalo ZNS endpoint: docs/notifications.md, "Sandbox"."""

from __future__ import annotations

import contextlib

from django.core.management.base import BaseCommand

from dvctt.integrations.messaging.sandbox import SandboxState, serve


class Command(BaseCommand):
    help = "Start a local SMS brandname provider and Zalo ZNS endpoint that record what they receive."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8767)
        parser.add_argument("--host", default="127.0.0.1", help="loopback only")
        parser.add_argument("--sms-username", default="sandbox")
        parser.add_argument("--sms-password", default="sandbox")
        parser.add_argument("--brandname", default="DICHVUCONG")
        parser.add_argument("--zalo-token", default="sandbox-token")

    def handle(self, *args, port, host, sms_username, sms_password, brandname, zalo_token, **options):
        state = SandboxState(
            sms_username=sms_username, sms_password=sms_password, brandname=brandname, zalo_token=zalo_token
        )
        base = f"http://{host}:{port}"
        self.stdout.write(
            f"messaging sandbox on {base}: DVCTT_SMS_URL={base}/sms/send "
            f"DVCTT_ZALO_URL={base}/zalo/message/template"
        )
        self.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            serve(host=host, port=port, state=state)
