"""Find and render the template of an event for a channel and language; fall back to the seeded default.

An administrator's template that fails to render (it passed the admin's checks, but a later change of the sandbox
or a bad value broke it) is logged and replaced by the seeded default of the same event, channel and language: a
notification is never lost to a template.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from dvctt.dossiers.notifications.defaults import default_template
from dvctt.dossiers.notifications.events import KINDS
from dvctt.dossiers.notifications.models import NotificationTemplate
from dvctt.dossiers.notifications.rendering import ascii_fold, fit_sms, render_source

logger = logging.getLogger(__name__)

#: The variables cut first when an SMS is too long (the link and the code are never cut).
_SHORTENED = ("procedure", "unit", "receiving_unit", "details", "reason")
ZALO_PARAMS = {
    "ma_ho_so": "code",
    "thu_tuc": "procedure",
    "trang_thai": "status",
    "ngay_hen": "appointment",
    "han": "deadline",
    "duong_dan": "link",
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    #: "template" (the administrator's row) or "default" (seeded text, used after a failure or with no row).
    source: str


def _render(source: str, variables: dict[str, str]) -> str:
    return render_source(source, variables)


def template_row(*, event: str, channel: str, language: str) -> NotificationTemplate | None:
    return NotificationTemplate.objects.filter(event=event, channel=channel, language=language).first()


def message_render(*, event: str, channel: str, language: str, variables: dict[str, str]) -> Rendered | None:
    """The subject and text of one message, or None when the event is not sent on this channel (a silent event,
    or a template an administrator switched off)."""
    kind = KINDS.get(event)
    if kind is None or not kind.notifies:
        return None
    row = template_row(event=event, channel=channel, language=language)
    if row is not None and not row.active:
        return None
    if row is not None:
        try:
            return Rendered(_render(row.subject, variables), _render(row.body, variables), "template")
        except Exception as exc:  # any failure of an edited template: the default below is the answer
            logger.error(
                "notification template %s/%s/%s failed (%s: %s); the seeded default is used",
                event,
                channel,
                language,
                type(exc).__name__,
                exc,
            )
    subject, body = default_template(event, channel, language)
    return Rendered(_render(subject, variables), _render(body, variables), "default")


def sms_text(text: str, variables: dict[str, str], *, rerender=None) -> str:
    """An SMS body: folded to ASCII when the provider requires it, cut to ``DVCTT_SMS_MAX_CHARS`` (the link kept)."""
    limit = settings.DVCTT_SMS_MAX_CHARS
    if settings.DVCTT_SMS_ASCII:
        text = ascii_fold(text)
    if len(text) > limit and rerender is not None:
        shorter = {
            k: (v[:37] + "..." if k in _SHORTENED and len(v) > 40 else v) for k, v in variables.items()
        }
        text = rerender(shorter)
        if settings.DVCTT_SMS_ASCII:
            text = ascii_fold(text)
    return fit_sms(text, limit=limit, keep=variables.get("link", ""))


def compose(*, event: str, channel: str, variables: dict[str, str]) -> tuple[str, str] | None:
    """(subject, body) as stored on the ``Notification`` for one channel, or None when nothing is sent.

    E-mail: the configured language, then (``DVCTT_NOTIFY_EMAIL_BILINGUAL``) the other one below it. SMS: one
    language, folded and cut. Zalo: a JSON document ``{"template_id", "template_data", "text"}``.
    """
    first = settings.DVCTT_NOTIFY_LANGUAGE if settings.DVCTT_NOTIFY_LANGUAGE in ("vi", "en") else "vi"
    rendered = message_render(event=event, channel=channel, language=first, variables=variables)
    if rendered is None:
        return None
    if channel == "email":
        body = rendered.body
        if settings.DVCTT_NOTIFY_EMAIL_BILINGUAL:
            second = "en" if first == "vi" else "vi"
            other = message_render(event=event, channel=channel, language=second, variables=variables)
            if other is not None:
                heading = "English version" if second == "en" else "Bản tiếng Việt"
                body = f"{body}\n\n———— {heading} ————\n\n{other.body}"
        return rendered.subject or _("Thông báo về hồ sơ %(code)s") % {
            "code": variables.get("code", "")
        }, body
    if channel == "sms":

        def rerender(shorter: dict[str, str]) -> str:
            again = message_render(event=event, channel=channel, language=first, variables=shorter)
            return again.body if again is not None else rendered.body

        return "", sms_text(rendered.body, variables, rerender=rerender)
    row = template_row(event=event, channel=channel, language=first)
    template_id = (row.provider_template_id if row is not None else "") or settings.DVCTT_ZALO_TEMPLATE_ID
    data = {param: variables.get(name, "") or "-" for param, name in ZALO_PARAMS.items()}
    data["noi_dung"] = rendered.body
    document = {"template_id": template_id, "template_data": data, "text": rendered.body}
    return f"ZNS {template_id}".strip(), json.dumps(document, ensure_ascii=False)
