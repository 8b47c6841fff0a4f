"""Notification channels: one interface, e-mail on by default, SMS and Zalo configured off.

A channel is enabled by listing it in ``DVCTT_NOTIFICATION_CHANNELS`` (comma-separated, default ``email``).
SMS and Zalo need a provider's HTTP endpoint (``DVCTT_SMS_URL``, ``DVCTT_ZALO_URL``): a province enables them
when it has a contract; until then they are off, not faked.
"""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail


class ChannelError(Exception):
    """A send failed; the task records it and tries again later."""


@dataclass(frozen=True)
class Message:
    recipient: str
    subject: str
    body: str


class Channel:
    name: str = ""

    def recipient_for(self, dossier) -> str:
        raise NotImplementedError

    def send(self, message: Message) -> None:
        raise NotImplementedError


class EmailChannel(Channel):
    name = "email"

    def recipient_for(self, dossier) -> str:
        return dossier.applicant_email or (dossier.applicant.email if dossier.applicant_id else "")

    def send(self, message: Message) -> None:
        try:
            send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.recipient])
        except Exception as exc:  # SMTP errors come in many classes; all mean "try again later"
            raise ChannelError(f"{type(exc).__name__}: {exc}") from exc


class HttpJsonChannel(Channel):
    """A provider that takes ``{"to", "text"}`` as JSON over HTTP(S) (the shape of common SMS/OA gateways)."""

    url_setting = ""

    def recipient_for(self, dossier) -> str:
        return dossier.applicant_phone or (dossier.applicant.phone if dossier.applicant_id else "")

    def send(self, message: Message) -> None:
        url = os.environ.get(self.url_setting, "")
        if not url.startswith(("http://", "https://")):
            raise ChannelError(f"{self.url_setting} is not configured")
        data = json.dumps({"to": message.recipient, "text": f"{message.subject}\n{message.body}"}).encode()
        request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                if response.status >= 300:
                    raise ChannelError(f"HTTP {response.status}")
        except OSError as exc:
            raise ChannelError(str(exc)) from exc


class SmsChannel(HttpJsonChannel):
    name = "sms"
    url_setting = "DVCTT_SMS_URL"


class ZaloChannel(HttpJsonChannel):
    name = "zalo"
    url_setting = "DVCTT_ZALO_URL"


ALL_CHANNELS: dict[str, Channel] = {c.name: c for c in (EmailChannel(), SmsChannel(), ZaloChannel())}


def enabled_channels() -> list[Channel]:
    names = getattr(settings, "DVCTT_NOTIFICATION_CHANNELS", ["email"])
    return [ALL_CHANNELS[n] for n in names if n in ALL_CHANNELS]
