"""The seeded templates: for every notifying event, an e-mail (subject and body), an SMS and a Zalo text, in
Vietnamese and English. The data migration ``notification_templates`` copies them into ``NotificationTemplate``
rows that an administrator edits; the renderer falls back to these when an edited template fails.

The wording follows the one-stop practice: the dossier, the procedure, what happened, what the applicant must do and
by when, the appointment, and the link. Variables: :data:`dvctt.dossiers.notifications.context.VARIABLES`.
"""

from __future__ import annotations

from dataclasses import dataclass

from dvctt.dossiers.notifications.events import NOTIFYING_EVENTS

CHANNELS = ("email", "sms", "zalo")
LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class Wording:
    headline_vi: str
    headline_en: str
    lines_vi: str = ""
    lines_en: str = ""
    action_vi: str = ""
    action_en: str = ""
    short_vi: str = ""
    short_en: str = ""


W = Wording
_DEADLINE_VI = "{% if deadline %} trước {{ deadline }}{% endif %}"
_DEADLINE_EN = "{% if deadline %} by {{ deadline }}{% endif %}"

WORDINGS: dict[str, Wording] = {
    "submit": W(
        "Hồ sơ đã được nộp, đang chờ tiếp nhận",
        "Your application has been submitted and awaits acceptance",
        action_vi="Ông/Bà theo dõi thông báo tiếp theo; cơ quan sẽ kiểm tra và tiếp nhận hồ sơ.",
        action_en="No action is needed now: the agency will check and accept the application.",
        short_vi="Hồ sơ {{ code }} ({{ procedure }}) đã được nộp, chờ tiếp nhận.",
        short_en="Application {{ code }} ({{ procedure }}) submitted, awaiting acceptance.",
    ),
    "receive": W(
        "Hồ sơ đã được tiếp nhận",
        "Your application has been accepted",
        action_vi="Ông/Bà nhận kết quả theo ngày hẹn ghi trên giấy tiếp nhận.",
        action_en="Please collect the result on the appointment date.",
        short_vi="Hồ sơ {{ code }} ({{ procedure }}) đã được tiếp nhận.",
        short_en="Application {{ code }} ({{ procedure }}) accepted.",
    ),
    "refuse_acceptance": W(
        "Hồ sơ không được tiếp nhận",
        "Your application was not accepted",
        lines_vi="Lý do: {{ reason }}",
        lines_en="Reason: {{ reason }}",
        action_vi="Ông/Bà có thể hoàn thiện hồ sơ theo lý do trên và nộp lại.",
        action_en="You may complete the application as stated above and submit it again.",
        short_vi="Hồ sơ {{ code }} ({{ procedure }}) KHÔNG được tiếp nhận. Lý do: {{ reason }}.",
        short_en="Application {{ code }} ({{ procedure }}) NOT accepted. Reason: {{ reason }}.",
    ),
    "request_supplement": W(
        "Hồ sơ cần bổ sung, hoàn thiện",
        "Your application needs more documents",
        lines_vi="Giấy tờ, nội dung cần bổ sung: {{ details }}",
        lines_en="Documents or corrections required: {{ details }}",
        action_vi="Ông/Bà bổ sung hồ sơ trên Cổng hoặc tại bộ phận một cửa" + _DEADLINE_VI + ".",
        action_en="Please provide them on the portal or at the one-stop desk" + _DEADLINE_EN + ".",
        short_vi="Hồ sơ {{ code }} ({{ procedure }}) cần bổ sung: {{ details }}.",
        short_en="Application {{ code }} ({{ procedure }}) needs: {{ details }}.",
    ),
    "answer_supplement": W(
        "Hồ sơ đã được bổ sung, tiếp tục giải quyết",
        "Your additional documents were received; processing resumes",
        lines_vi="{% if old_appointment %}Ngày hẹn trước: {{ old_appointment }}{% endif %}",
        lines_en="{% if old_appointment %}Previous appointment: {{ old_appointment }}{% endif %}",
        short_vi="Hồ sơ {{ code }} ({{ procedure }}) đã được bổ sung, tiếp tục giải quyết.",
        short_en="Application {{ code }} ({{ procedure }}) supplemented; processing resumes.",
    ),
    "expire_supplement": W(
        "Hết hạn bổ sung: hồ sơ bị hủy",
        "The deadline for additional documents passed: the application is closed",
        action_vi="Nếu vẫn có nhu cầu, Ông/Bà nộp hồ sơ mới.",
        action_en="If you still need this service, please submit a new application.",
        short_vi="Hồ sơ {{ code }} ({{ procedure }}) hết hạn bổ sung, đã bị hủy.",
        short_en="Application {{ code }} ({{ procedure }}) closed: documents not provided in time.",
    ),
    "forward": W(
        "Hồ sơ đang được giải quyết",
        "Your application is being processed",
        lines_vi="{% if details %}{{ details }}{% endif %}",
        lines_en="{% if details %}Note: {{ details }}{% endif %}",
        short_vi="Hồ sơ {{ code }} ({{ procedure }}) đang được giải quyết tại {{ unit }}.",
        short_en="Application {{ code }} ({{ procedure }}) is being processed by {{ unit }}.",
    ),
    "request_financial_obligation": W(
        "Hồ sơ chờ thực hiện nghĩa vụ tài chính",
        "Payment is required for your application",
        lines_vi="Số tiền phải nộp: {{ amount }}{% if details %}\nNội dung: {{ details }}{% endif %}",
        lines_en="Amount due: {{ amount }}{% if details %}\nDetails: {{ details }}{% endif %}",
        action_vi=(
            "Ông/Bà nộp {{ amount }} trực tuyến tại {{ payment_link }} hoặc tại bộ phận một cửa"
            + _DEADLINE_VI
            + ". Thời gian chờ nộp tiền không tính vào thời hạn giải quyết."
        ),
        action_en=(
            "Please pay {{ amount }} online at {{ payment_link }} or at the one-stop desk"
            + _DEADLINE_EN
            + ". The waiting time does not count against the processing time."
        ),
        short_vi="Hồ sơ {{ code }} ({{ procedure }}) cần nộp {{ amount }}. Nộp tại: {{ payment_link }}",
        short_en="Application {{ code }} ({{ procedure }}): please pay {{ amount }} at {{ payment_link }}",
    ),
    "record_payment": W(
        "Đã ghi nhận hoàn thành nghĩa vụ tài chính",
        "Your payment has been recorded",
        lines_vi="{% if amount %}Số tiền: {{ amount }}{% endif %}",
        lines_en="{% if amount %}Amount: {{ amount }}{% endif %}",
        short_vi="Hồ sơ {{ code }} ({{ procedure }}) đã ghi nhận nộp {{ amount }}, tiếp tục giải quyết.",
        short_en="Application {{ code }} ({{ procedure }}): payment {{ amount }} recorded; processing resumes.",
    ),
    "approve": W(
        "Hồ sơ đã có kết quả",
        "The result of your application is ready",
        lines_vi="{% if details %}Kết quả: {{ details }}{% endif %}",
        lines_en="{% if details %}Result: {{ details }}{% endif %}",
        action_vi=(
            "{% if electronic_result %}Ông/Bà tải kết quả điện tử tại địa chỉ dưới đây, hoặc {% else %}Ông/Bà "
            "{% endif %}nhận kết quả tại {{ receiving_unit }} (mang theo giấy tiếp nhận hồ sơ)."
        ),
        action_en=(
            "{% if electronic_result %}Download the electronic result from the link below, or {% else %}Please "
            "{% endif %}collect it at {{ receiving_unit }} (bring the acknowledgement slip)."
        ),
        short_vi="Hồ sơ {{ code }} ({{ procedure }}) ĐÃ CÓ KẾT QUẢ. Nhận tại {{ receiving_unit }}.",
        short_en="Application {{ code }} ({{ procedure }}): RESULT READY. Collect at {{ receiving_unit }}.",
    ),
    "refuse": W(
        "Hồ sơ bị từ chối giải quyết",
        "Your application was refused",
        lines_vi="Lý do: {{ reason }}{% if details %}\n{{ details }}{% endif %}",
        lines_en="Reason: {{ reason }}",
        action_vi="Văn bản từ chối được gửi kèm hồ sơ; Ông/Bà tải về tại địa chỉ dưới đây.",
        action_en="The written refusal is attached to the application: download it from the link below.",
        short_vi="Hồ sơ {{ code }} ({{ procedure }}) bị TỪ CHỐI giải quyết. Lý do: {{ reason }}.",
        short_en="Application {{ code }} ({{ procedure }}) REFUSED. Reason: {{ reason }}.",
    ),
    "stop": W(
        "Hồ sơ bị dừng xử lý",
        "Processing of your application has stopped",
        lines_vi="Lý do: {{ reason }}",
        lines_en="Reason: {{ reason }}",
        short_vi="Hồ sơ {{ code }} ({{ procedure }}) bị dừng xử lý. Lý do: {{ reason }}.",
        short_en="Application {{ code }} ({{ procedure }}) stopped. Reason: {{ reason }}.",
    ),
    "request_withdrawal": W(
        "Đã nhận yêu cầu rút hồ sơ",
        "Your request to withdraw the application was received",
        lines_vi="{% if reason %}Lý do rút: {{ reason }}{% endif %}",
        lines_en="{% if reason %}Reason given: {{ reason }}{% endif %}",
        action_vi="Cơ quan sẽ xem xét và thông báo việc chấp nhận rút hồ sơ.",
        action_en="The agency will consider it and tell you whether the withdrawal is accepted.",
        short_vi="Đã nhận yêu cầu rút hồ sơ {{ code }} ({{ procedure }}), chờ xem xét.",
        short_en="Withdrawal request for {{ code }} ({{ procedure }}) received, under review.",
    ),
    "accept_withdrawal": W(
        "Hồ sơ đã được rút theo yêu cầu",
        "Your application has been withdrawn as requested",
        short_vi="Hồ sơ {{ code }} ({{ procedure }}) đã được rút theo yêu cầu.",
        short_en="Application {{ code }} ({{ procedure }}) withdrawn as requested.",
    ),
    "reject_withdrawal": W(
        "Yêu cầu rút hồ sơ không được chấp nhận, hồ sơ tiếp tục giải quyết",
        "Your withdrawal request was not accepted; processing continues",
        lines_vi="{% if reason %}Lý do: {{ reason }}{% endif %}",
        lines_en="{% if reason %}Reason: {{ reason }}{% endif %}",
        short_vi="Yêu cầu rút hồ sơ {{ code }} ({{ procedure }}) không được chấp nhận.",
        short_en="Withdrawal of {{ code }} ({{ procedure }}) not accepted; processing continues.",
    ),
    "apologise": W(
        "Xin lỗi vì chậm trả kết quả, hẹn lại ngày trả",
        "We apologise for the delay: new appointment",
        lines_vi="Ngày hẹn cũ: {{ old_appointment }}\nNgày hẹn mới: {{ new_appointment }}\nLý do: {{ reason }}",
        lines_en="Previous appointment: {{ old_appointment }}\nNew appointment: {{ new_appointment }}\nReason: {{ reason }}",
        action_vi="Cơ quan thành thật xin lỗi Ông/Bà; văn bản xin lỗi được gửi kèm hồ sơ.",
        action_en="The agency sincerely apologises; the letter of apology is attached to the application.",
        short_vi="Xin lỗi: hồ sơ {{ code }} ({{ procedure }}) hẹn lại từ {{ old_appointment }} sang {{ new_appointment }}.",
        short_en="Apologies: {{ code }} ({{ procedure }}) moved from {{ old_appointment }} to {{ new_appointment }}.",
    ),
    "return_result": W(
        "Đã trả kết quả hồ sơ",
        "The result of your application has been delivered",
        short_vi="Hồ sơ {{ code }} ({{ procedure }}) đã trả kết quả.",
        short_en="Application {{ code }} ({{ procedure }}): result delivered.",
    ),
    "pay_fees": W(
        "Đã nhận thanh toán phí, lệ phí",
        "Your fees have been paid",
        lines_vi="Số tiền: {{ amount }}",
        lines_en="Amount: {{ amount }}",
        short_vi="Hồ sơ {{ code }} ({{ procedure }}) đã thanh toán {{ amount }}.",
        short_en="Application {{ code }} ({{ procedure }}): {{ amount }} paid.",
    ),
    "complaint": W(
        "Đã nhận phản ánh, kiến nghị của Ông/Bà",
        "Your feedback about the application was received",
        lines_vi="Nội dung: {{ details }}",
        lines_en="Your message: {{ details }}",
        action_vi="Cơ quan sẽ xem xét và trả lời Ông/Bà theo quy định.",
        action_en="The agency will consider it and reply as the rules require.",
        short_vi="Đã nhận phản ánh về hồ sơ {{ code }} ({{ procedure }}), sẽ trả lời theo quy định.",
        short_en="Feedback on {{ code }} ({{ procedure }}) received; the agency will reply.",
    ),
    "complaint_answer": W(
        "Phản ánh, kiến nghị của Ông/Bà đã được trả lời",
        "Your feedback has been answered",
        lines_vi="{{ details }}",
        lines_en="Answer (in Vietnamese): {{ details }}",
        action_vi="Ông/Bà xem câu trả lời và đánh giá mức độ hài lòng tại trang hồ sơ.",
        action_en="You can read the answer and rate it on the application's page.",
        short_vi="Phản ánh về hồ sơ {{ code }} ({{ procedure }}) đã được trả lời. Xem tại trang hồ sơ.",
        short_en="Your feedback on {{ code }} ({{ procedure }}) has been answered.",
    ),
}

assert set(WORDINGS) == set(NOTIFYING_EVENTS), set(WORDINGS) ^ set(NOTIFYING_EVENTS)

_EMAIL_VI = """Kính gửi Ông/Bà {{{{ applicant }}}},

{headline}.

Mã hồ sơ: {{{{ code }}}}
Thủ tục: {{{{ procedure }}}}
Cơ quan giải quyết: {{{{ unit }}}}
Việc vừa thực hiện: {{{{ event }}}} ({{{{ event_time }}}})
Trạng thái hồ sơ: {{{{ status }}}}
{lines}
{{% if appointment %}}Ngày hẹn trả kết quả: {{{{ appointment }}}}{{% endif %}}

{action}

Xem hồ sơ: {{{{ link }}}}

Trân trọng,
Hệ thống giải quyết thủ tục hành chính tỉnh {{{{ province }}}}
(Thư gửi tự động, xin không trả lời thư này.)"""

_EMAIL_EN = """Dear {{{{ applicant }}}},

{headline}.

Application: {{{{ code }}}}
Procedure: {{{{ procedure }}}}
Agency: {{{{ unit }}}}
Date: {{{{ event_time }}}}
{lines}
{{% if appointment %}}Appointment for the result: {{{{ appointment }}}}{{% endif %}}

{action}

View the application: {{{{ link }}}}

Administrative procedures system of {{{{ province }}}} province
(Automatic message, please do not reply.)"""

_SHORT_VI = "{short}{action}{{% if appointment %}} Hẹn trả: {{{{ appointment }}}}.{{% endif %}} Tra cứu: {{{{ link }}}}"
_SHORT_EN = "{short}{action}{{% if appointment %}} Result due: {{{{ appointment }}}}.{{% endif %}} Track: {{{{ link }}}}"


def _short_action(action: str, language: str) -> str:
    """The SMS/Zalo line for what to do by when (only the events that ask something of the applicant)."""
    if action == "request_supplement":
        return (
            "{% if deadline %} Hạn bổ sung: {{ deadline }}.{% endif %}"
            if language == "vi"
            else "{% if deadline %} Deadline: {{ deadline }}.{% endif %}"
        )
    if action == "request_financial_obligation":
        return (
            "{% if deadline %} Hạn nộp: {{ deadline }}.{% endif %}"
            if language == "vi"
            else ("{% if deadline %} Deadline: {{ deadline }}.{% endif %}")
        )
    return ""


def default_template(action: str, channel: str, language: str) -> tuple[str, str]:
    """(subject, body) of the seeded template; the subject is empty for SMS and Zalo."""
    wording = WORDINGS[action]
    vi = language == "vi"
    headline = wording.headline_vi if vi else wording.headline_en
    if channel == "email":
        skeleton = _EMAIL_VI if vi else _EMAIL_EN
        body = skeleton.format(
            headline=headline,
            lines=wording.lines_vi if vi else wording.lines_en,
            action=wording.action_vi if vi else wording.action_en,
        )
        prefix = "Hồ sơ" if vi else "Application"
        return f"[{prefix} {{{{ code }}}}] {headline}", body
    short = wording.short_vi if vi else wording.short_en
    skeleton = _SHORT_VI if vi else _SHORT_EN
    return "", skeleton.format(short=short, action=_short_action(action, language))


def default_templates() -> list[dict[str, str]]:
    """Every seeded template as field values (the data migration's input)."""
    return [
        {"event": a, "channel": c, "language": lang, "subject": s, "body": b}
        for a in NOTIFYING_EVENTS
        for c in CHANNELS
        for lang in LANGUAGES
        for s, b in [default_template(a, c, lang)]
    ]
