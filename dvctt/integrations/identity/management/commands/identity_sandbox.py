"""Start the local national identity provider (OpenID Connect, test people): docs/identity.md, "Sandbox"."""

from __future__ import annotations

import contextlib

from django.core.management.base import BaseCommand

from dvctt.integrations.identity.sandbox import ProviderState, serve


class Command(BaseCommand):
    help = "Start a local national identity provider (OpenID Connect) with a login page and test people."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8766)
        parser.add_argument("--host", default="127.0.0.1", help="loopback only")
        parser.add_argument("--issuer", default="", help="default: http://HOST:PORT")
        parser.add_argument("--client-id", default="dvctt")
        parser.add_argument("--client-secret", default="sandbox")
        parser.add_argument("--password", default="sandbox", help="the test people's password")
        parser.add_argument(
            "--code-ttl", type=float, default=60.0, help="seconds an authorization code lives"
        )

    def handle(self, *args, port, host, issuer, client_id, client_secret, password, code_ttl, **options):
        state = ProviderState(
            issuer=(issuer or f"http://{host}:{port}").rstrip("/"),
            client_id=client_id,
            client_secret=client_secret,
            password=password,
            code_ttl=code_ttl,
        )
        self.stdout.write(
            f"identity sandbox on {state.issuer}/ (discovery: /.well-known/openid-configuration)"
        )
        self.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            serve(host=host, port=port, state=state)
