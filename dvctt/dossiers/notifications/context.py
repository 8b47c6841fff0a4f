"""The fixed set of variables a notification template may use, and how they are filled from a dossier event.

Every value is a plain string (empty when it does not apply), so a template reaches nothing but these values: no
model, no query, no method. Dates are ``dd/mm/yyyy HH:MM`` in Asia/Ho_Chi_Minh, money ``200.000 đ``, and the link
is built from ``DVCTT_PUBLIC_BASE_URL`` (never from the address the server runs on).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dvctt.common.public_url import public_url
from dvctt.dossiers.notifications.events import label as event_label
from dvctt.dossiers.states import RUNNING_STATUSES, Status

#: name → what it holds (shown in the admin and in docs/notifications.md).
VARIABLES: dict[str, Any] = {
    "code": _("mã hồ sơ"),
    "procedure": _("tên thủ tục hành chính"),
    "unit": _("cơ quan giải quyết"),
    "receiving_unit": _("nơi tiếp nhận, trả kết quả (bộ phận một cửa)"),
    "applicant": _("tên người nộp (chủ hồ sơ)"),
    "event": _("việc vừa xảy ra (tên sự kiện theo quy trình, tiếng Việt)"),
    "event_time": _("thời điểm xảy ra, dd/mm/yyyy HH:MM"),
    "status": _("trạng thái hồ sơ sau sự kiện (tên chính thức, tiếng Việt)"),
    "details": _("nội dung kèm theo: giấy tờ cần bổ sung, nội dung nghĩa vụ tài chính, ghi chú"),
    "reason": _("lý do (từ chối, dừng xử lý, xin lỗi, rút hồ sơ)"),
    "deadline": _("hạn người nộp phải thực hiện, dd/mm/yyyy HH:MM (trống nếu không có)"),
    "appointment": _(
        "ngày hẹn trả kết quả đang có hiệu lực, dd/mm/yyyy HH:MM (trống khi tạm dừng hoặc đã kết thúc)"
    ),
    "old_appointment": _("ngày hẹn trước khi thay đổi"),
    "new_appointment": _("ngày hẹn mới"),
    "amount": _("số tiền, ví dụ 200.000 đ"),
    "payment_link": _("địa chỉ thanh toán trực tuyến của hồ sơ"),
    "electronic_result": _("“có” khi có kết quả điện tử để tải về, trống nếu không"),
    "link": _("địa chỉ tra cứu hồ sơ trên Cổng (từ DVCTT_PUBLIC_BASE_URL)"),
    "province": _("tên tỉnh"),
}


def _when(value: datetime | str | None) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%d/%m/%Y %H:%M")


def money(amount: int | str | None) -> str:
    """200000 → ``200.000 đ`` (Vietnamese grouping); empty for no amount."""
    try:
        value = int(amount or 0)
    except (TypeError, ValueError):
        return ""
    return f"{value:,}".replace(",", ".") + " đ" if value else ""


def tracking_link(code: str) -> str:
    """The dossier's public lookup page on the configured public address."""
    return public_url(reverse("portal:dossier_lookup")) + "?ma=" + quote(code, safe="")


def _procedure_name(dossier) -> str:
    version = dossier.procedure_version  # none for an imported record without a version in force
    if version is None:
        version = dossier.procedure.versions.order_by("-valid_from").first()
    return version.name if version is not None else dossier.procedure.code


def message_context(*, dossier, event) -> dict[str, str]:
    """The variables for one event of one dossier (the event's payload first, then the dossier's fields)."""
    payload = event.payload or {}
    action = event.action
    to_status = event.to_status
    appointment: Any = None
    if to_status in RUNNING_STATUSES:
        appointment = (
            payload.get("new_due_at")
            or payload.get("due_after")
            or payload.get("due_at")
            or dossier.effective_due_at
        )
    old = payload.get("previous_due_at") or payload.get("due_before") or ""
    new = payload.get("new_due_at") or payload.get("due_after") or ""
    if new and old and _when(new) == _when(old):
        old = new = ""
    reason = payload.get("reasons") or payload.get("reason") or ""
    if action in ("receive", "forward", "apologise"):
        details = payload.get("note", "") if action == "forward" and payload.get("boundary_free") else ""
    else:
        details = payload.get("content") or payload.get("note") or ""
    if action == "approve" and payload.get("results"):
        details = details or ", ".join(str(r) for r in payload["results"])
    amount = (
        payload.get("amount")
        if action in ("request_financial_obligation", "record_payment", "pay_fees")
        else 0
    )
    electronic = bool(payload.get("electronic") or (action == "refuse") or dossier.has_e_result)
    return {
        "code": dossier.code,
        "procedure": _procedure_name(dossier),
        "unit": dossier.unit.name,
        "receiving_unit": dossier.receiving_unit.name,
        "applicant": dossier.applicant_name,
        "event": event_label(action, payload),
        "event_time": _when(event.at),
        "status": str(Status(to_status).label) if to_status in Status.values else "",
        "details": str(details),
        "reason": str(reason),
        "deadline": _when(payload.get("deadline")) if action == "request_supplement" else "",
        "appointment": _when(appointment),
        "old_appointment": _when(old),
        "new_appointment": _when(new),
        "amount": money(amount),
        "payment_link": public_url(reverse("portal:payment_begin", args=[dossier.code])),
        "electronic_result": "có" if electronic else "",
        "link": tracking_link(dossier.code),
        "province": settings.PROVINCE_NAME,
    }
