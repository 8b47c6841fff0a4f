"""Notification channels: e-mail, SMS (a brandname provider) and Zalo ZNS, enabled by ``DVCTT_NOTIFY_CHANNELS``.

SMS and Zalo are channels of the provider adapters in ``dvctt.integrations.messaging`` (configured by ``DVCTT_SMS_*``
and ``DVCTT_ZALO_*``, plugged in by ``DVCTT_NOTIFY_CHANNEL_CLASSES``): a channel that is listed but not configured records a failure per message (visible in the admin)
rather than pretending to send.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class ChannelError(Exception):
    """A send failed; the task records it and tries again later."""


class PermanentChannelError(ChannelError):
    """A send that can never succeed (a bad phone number): recorded, not retried."""


@dataclass(frozen=True)
class Message:
    recipient: str
    subject: str
    body: str
    #: Our id for the provider (idempotent retries): ``dvctt-n<notification id>``.
    reference: str = ""


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


@functools.cache
def all_channels() -> dict[str, Channel]:
    """E-mail, plus the channels of the provider adapters named by ``DVCTT_NOTIFY_CHANNEL_CLASSES`` (dotted
    paths: the adapters live in ``dvctt.integrations.messaging``, a layer above the dossiers)."""
    channels: list[Channel] = [EmailChannel()]
    for path in getattr(settings, "DVCTT_NOTIFY_CHANNEL_CLASSES", {}).values():
        channels.append(import_string(path)())
    return {c.name: c for c in channels}


class _Channels(Mapping[str, Channel]):
    """``ALL_CHANNELS``: the channels by name, resolved on first use (after the apps are loaded)."""

    def __getitem__(self, name: str) -> Channel:
        return all_channels()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(all_channels())

    def __len__(self) -> int:
        return len(all_channels())


ALL_CHANNELS: Mapping[str, Channel] = _Channels()


def enabled_channels() -> list[Channel]:
    names = getattr(settings, "DVCTT_NOTIFY_CHANNELS", None) or getattr(
        settings, "DVCTT_NOTIFICATION_CHANNELS", ["email"]
    )
    known = all_channels()
    return [known[n] for n in names if n in known]
