"""Push one message to an inbound endpoint as the national portal would: docs/national-portal.md, "Inbound"."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dvctt.integrations.national_portal.inbound_models import InboundKind
from dvctt.integrations.national_portal.sandbox_push import envelope, push


class Command(BaseCommand):
    help = (
        "Sign and POST a message to the inbound endpoint. FILE holds the message's DuLieu (JSON), or a whole "
        "envelope (with MaThongDiep), sent as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--url", required=True, help="e.g. https://dichvucong.example.vn/api/v1/dvcqg/inbound/"
        )
        parser.add_argument("--secret", default="", help="the shared secret (HMAC headers)")
        parser.add_argument("--token", default="", help="a bearer token")
        parser.add_argument("--kind", default="", help=", ".join(InboundKind.values))
        parser.add_argument("--key", default="", help="MaThongDiep (a fresh one by default)")

    def handle(self, *args, file, url, secret, token, kind, key, **options):
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from None
        if not isinstance(data, dict):
            raise CommandError("FILE must hold a JSON object")
        if "MaThongDiep" not in data:
            if not kind:
                raise CommandError("--kind is needed when FILE holds only DuLieu")
            data = envelope(kind=kind, data=data, key=key)
        if not secret and not token:
            raise CommandError("give --secret and/or --token")
        try:
            answer = push(url=url, message=data, secret=secret, token=token)
        except (OSError, ValueError) as exc:
            raise CommandError(f"not sent: {exc}") from None
        self.stdout.write(f"HTTP {answer.status} {answer.text}")
        if answer.status >= 400 or not answer.body or answer.body.get("error_code") != 0:
            raise CommandError("the endpoint refused the message")
