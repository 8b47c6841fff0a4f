"""Signing a real browser in, for the browser tests of every app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client


def sign_in(page: Any, live_server: Any, user: Any) -> None:
    """Give the browser a session of ``user``, made by Django's test client (the sign-in form has its own tests):
    the page's earlier cookies go, the session cookie is set for the live server."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def sign_in_with_the_form(page: Any, username: str, password: str) -> None:
    """Fill the sign-in form the page shows (the sign-in page, or the one an application step asks for) and send it."""
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
