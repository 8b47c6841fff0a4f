"""A sample dossier and event per kind, to preview a template in the admin (no real person's data is shown)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation

from dvctt.agencies.models import Unit
from dvctt.catalog.models import Procedure, ProcedureVersion
from dvctt.dossiers.models import Dossier, DossierEvent
from dvctt.dossiers.notifications.context import message_context
from dvctt.dossiers.notifications.rendering import TemplateCheckError, ascii_fold, render_source, sms_length
from dvctt.dossiers.states import Status

_VN = ZoneInfo("Asia/Ho_Chi_Minh")
_DUE = datetime(2025, 3, 6, 9, 0, tzinfo=_VN)
_NEW_DUE = datetime(2025, 3, 11, 9, 0, tzinfo=_VN)
_DEADLINE = datetime(2025, 3, 10, 17, 0, tzinfo=_VN)
S = Status

#: action → (status after the event, payload) as the services write them.
SAMPLE_EVENTS: dict[str, tuple[int, dict]] = {
    "submit": (S.NEW, {"channel": 2}),
    "receive": (S.RECEIVED, {"due_at": _DUE.isoformat()}),
    "refuse_acceptance": (S.NOT_ACCEPTED, {"reasons": "Thiếu bản sao giấy chứng sinh"}),
    "request_supplement": (
        S.SUPPLEMENT_REQUESTED,
        {"content": "Bản sao giấy chứng sinh có chứng thực", "deadline": _DEADLINE.isoformat()},
    ),
    "answer_supplement": (
        S.PROCESSING,
        {"due_before": _DUE.isoformat(), "due_after": _NEW_DUE.isoformat()},
    ),
    "expire_supplement": (S.STOPPED, {}),
    "forward": (S.PROCESSING, {"note": ""}),
    "request_financial_obligation": (
        S.FINANCIAL_OBLIGATION,
        {"amount": 200000, "content": "Lệ phí trước bạ"},
    ),
    "record_payment": (
        S.PROCESSING,
        {"amount": 200000, "due_before": _DUE.isoformat(), "due_after": _NEW_DUE.isoformat()},
    ),
    "approve": (S.PROCESSED, {"results": ["Giấy khai sinh"], "electronic": True}),
    "refuse": (S.PROCESSED, {"reasons": "Người yêu cầu không thuộc đối tượng được giải quyết"}),
    "stop": (S.STOPPED, {"reasons": "Người yêu cầu đề nghị dừng giải quyết"}),
    "request_withdrawal": (S.WITHDRAWAL_REQUESTED, {"reason": "Không còn nhu cầu"}),
    "accept_withdrawal": (S.WITHDRAWAL_REQUESTED, {}),
    "reject_withdrawal": (S.PROCESSING, {"reason": "Hồ sơ đã có kết quả dự thảo"}),
    "apologise": (
        S.PROCESSING,
        {
            "previous_due_at": _DUE.isoformat(),
            "new_due_at": _NEW_DUE.isoformat(),
            "reason": "Cần xác minh thêm",
        },
    ),
    "return_result": (S.RETURNED, {"method": "counter"}),
    "pay_fees": (S.PROCESSING, {"amount": 8000, "channel": 2}),
    "complaint": (S.PROCESSING, {"kind": "phan_anh", "content": "Đề nghị sớm trả kết quả"}),
    "complaint_answer": (
        S.PROCESSING,
        {
            "complaint": 1,
            "content": "Trả lời phản ánh, kiến nghị “Chậm trả kết quả”: hồ sơ sẽ được trả đúng hẹn.",
        },
    ),
}


def sample_variables(action: str) -> dict[str, str]:
    """The template variables for a made-up dossier (unsaved objects: nothing is read from or written to the
    database)."""
    unit = Unit(code="000.00.12.H38", name="Sở Tư pháp")
    procedure = Procedure(code="1.001193")
    dossier = Dossier(
        code="000.00.12.H38-250303-0001",
        procedure=procedure,
        procedure_version=ProcedureVersion(procedure=procedure, name="Đăng ký khai sinh"),
        unit=unit,
        receiving_unit=unit,
        applicant_name="Nguyễn Văn An",
        effective_due_at=_DUE,
        status=SAMPLE_EVENTS.get(action, (S.PROCESSING, {}))[0],
    )
    to_status, payload = SAMPLE_EVENTS.get(action, (S.PROCESSING, {}))
    event = DossierEvent(
        dossier=dossier,
        action=action,
        to_status=to_status,
        at=datetime(2025, 3, 4, 9, 30, tzinfo=_VN),
        payload=payload,
    )
    with translation.override("vi"):
        return message_context(dossier=dossier, event=event)


def template_preview(*, event: str, channel: str, subject: str, body: str) -> dict[str, object]:
    """What the admin shows: the rendered subject and text on the sample dossier, its length (SMS: after folding,
    with the number of parts), or the error that prevents saving."""
    variables = sample_variables(event)
    try:
        rendered_subject = render_source(subject, variables) if subject else ""
        text = render_source(body, variables)
    except TemplateCheckError as exc:
        return {"ok": False, "error": str(exc)}
    result: dict[str, object] = {"ok": True, "subject": rendered_subject, "body": text}
    if channel == "sms":
        sent = ascii_fold(text) if settings.DVCTT_SMS_ASCII else text
        chars, parts = sms_length(sent)
        result.update(
            body=sent,
            chars=chars,
            parts=parts,
            limit=settings.DVCTT_SMS_MAX_CHARS,
            too_long=chars > settings.DVCTT_SMS_MAX_CHARS,
        )
    else:
        result.update(chars=len(text), parts=1)
    return result
