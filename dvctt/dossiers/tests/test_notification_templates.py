"""Notification templates: every template of every notifying event renders, in both languages, on a real dossier,
with what a person needs (the dossier, the procedure, what happened, what to do by when, the appointment, the link
from DVCTT_PUBLIC_BASE_URL); a broken administrator's template falls back to the default; no status is told twice."""

from __future__ import annotations

import json
import logging

import pytest
from django.core import mail
from django.test import Client

from dvctt.accounts.models import User
from dvctt.dossiers import services
from dvctt.dossiers.models import DossierEvent, Notification, NotificationTemplate
from dvctt.dossiers.notifications.context import message_context
from dvctt.dossiers.notifications.defaults import CHANNELS, LANGUAGES
from dvctt.dossiers.notifications.events import KINDS, NOTIFYING_EVENTS, notified_events
from dvctt.dossiers.notifications.preview import SAMPLE_EVENTS
from dvctt.dossiers.notifications.rendering import ascii_fold
from dvctt.dossiers.notifications.templates import compose, message_render
from dvctt.dossiers.states import RUNNING_STATUSES, Status
from dvctt.dossiers.tests.conftest import vn

BASE = "https://dvc.example-tinh.test:8443/cong-dich-vu"

#: What happened, as each template must say it (Vietnamese, English): the spec of the seeded wording.
WHAT_HAPPENED = {
    "submit": ("đã được nộp", "submitted"),
    "receive": ("đã được tiếp nhận", "accepted"),
    "refuse_acceptance": ("không được tiếp nhận", "not accepted"),
    "request_supplement": ("bổ sung", "documents"),
    "answer_supplement": ("đã được bổ sung", "resumes"),
    "expire_supplement": ("hết hạn bổ sung", "closed"),
    "forward": ("đang được giải quyết", "being processed"),
    "request_financial_obligation": ("nghĩa vụ tài chính", "payment"),
    "record_payment": ("hoàn thành nghĩa vụ tài chính", "payment"),
    "approve": ("đã có kết quả", "result"),
    "refuse": ("từ chối giải quyết", "refused"),
    "stop": ("dừng xử lý", "stopped"),
    "request_withdrawal": ("yêu cầu rút hồ sơ", "withdraw"),
    "accept_withdrawal": ("đã được rút", "withdrawn"),
    "reject_withdrawal": ("không được chấp nhận", "not accepted"),
    "apologise": ("xin lỗi", "apologi"),
    "return_result": ("đã trả kết quả", "delivered"),
    "pay_fees": ("thanh toán", "paid"),
    "complaint": ("phản ánh", "feedback"),
    "complaint_answer": ("đã được trả lời", "answered"),
}
SHORT_WHAT = {  # SMS and Zalo: the short wording (compared without diacritics)
    "request_supplement": ("can bo sung", "needs"),
    "request_financial_obligation": ("can nop", "please pay"),
    "record_payment": ("da ghi nhan nop", "payment"),
    "approve": ("da co ket qua", "result ready"),
    "pay_fees": ("da thanh toan", "paid"),
    "apologise": ("xin loi", "apologies"),
}


def _fold(text: str) -> str:
    return ascii_fold(text).lower()


@pytest.fixture
def public_base(settings):
    settings.PUBLIC_BASE_URL = BASE + "/"
    return BASE


@pytest.fixture
def dossier(received, public_base):
    received.applicant_phone = "0912345678"
    received.save(update_fields=["applicant_phone"])
    return received


def _event(dossier, action: str) -> DossierEvent:
    to_status, payload = SAMPLE_EVENTS[action]
    return DossierEvent(
        dossier=dossier, seq=99, action=action, to_status=to_status, at=vn(2025, 3, 4, 9, 30), payload=payload
    )


def test_every_event_of_the_state_machine_is_classified_and_every_notifying_one_has_six_seeded_templates(db):
    assert set(SAMPLE_EVENTS) == set(NOTIFYING_EVENTS)
    seeded = set(NotificationTemplate.objects.values_list("event", "channel", "language"))
    expected = {(a, c, lang) for a in NOTIFYING_EVENTS for c in CHANNELS for lang in LANGUAGES}
    assert seeded == expected
    silent = {a for a, k in KINDS.items() if not k.notifies}
    assert silent == {
        "propose_result",
        "return_proposal",
        "draft_apology",
        "mark_uncollected",
        "rate",
        "import",
    }
    assert all(KINDS[a].silent_reason for a in silent)


@pytest.mark.parametrize("action", NOTIFYING_EVENTS)
def test_every_template_renders_with_what_a_person_needs(dossier, action, settings):
    settings.DVCTT_SMS_MAX_CHARS = 612  # the elements are checked here; the cut is tested below
    event = _event(dossier, action)
    variables = message_context(dossier=dossier, event=event)
    link = f"{BASE}/tra-cuu/?ma={dossier.code}"
    assert variables["link"] == link
    for language in LANGUAGES:
        vi = language == "vi"
        for channel in CHANNELS:
            rendered = message_render(event=action, channel=channel, language=language, variables=variables)
            assert rendered is not None and rendered.source == "template"
            text = rendered.subject + "\n" + rendered.body
            folded = _fold(text)
            where = f"{action}/{channel}/{language}"
            assert dossier.code in text, where
            assert _fold("Đăng ký khai sinh") in folded, where
            assert link in text, where
            assert "{{" not in text and "{%" not in text, where
            phrases = (
                WHAT_HAPPENED[action] if channel == "email" else SHORT_WHAT.get(action, WHAT_HAPPENED[action])
            )
            assert _fold(phrases[0 if vi else 1]) in folded, where
            if event.to_status in RUNNING_STATUSES:
                assert variables["appointment"] and variables["appointment"] in text, where
            if action == "request_supplement":
                assert "10/03/2025 17:00" in text and _fold("giấy chứng sinh") in folded, where
            if action == "request_financial_obligation":
                assert "200.000 đ" in text or "200.000 d" in text, where
                assert f"{BASE}/ho-so/{dossier.code}/thanh-toan/" in text, where
            if action == "apologise":
                assert "06/03/2025 09:00" in text and "11/03/2025 09:00" in text, where
            if action in ("refuse_acceptance", "refuse", "stop"):
                assert _fold(SAMPLE_EVENTS[action][1]["reasons"])[:20] in folded, where
            if channel == "email":
                assert rendered.subject, where


def test_email_carries_both_languages_and_sms_is_ascii_within_its_limit(dossier, settings):
    variables = message_context(dossier=dossier, event=_event(dossier, "request_supplement"))
    subject, body = compose(event="request_supplement", channel="email", variables=variables)
    assert subject.startswith(f"[Hồ sơ {dossier.code}]")
    assert "Giấy tờ, nội dung cần bổ sung" in body and "English version" in body and "Documents or" in body
    settings.DVCTT_SMS_MAX_CHARS = 160
    long = {**variables, "details": "Bản sao giấy chứng sinh có chứng thực; " * 10}
    _, sms = compose(event="request_supplement", channel="sms", variables=long)
    assert sms.isascii() and len(sms) <= 160
    assert sms.endswith(variables["link"]) and dossier.code in sms
    _, zalo = compose(event="receive", channel="zalo", variables=variables)
    document = json.loads(zalo)
    assert document["template_data"]["ma_ho_so"] == dossier.code
    assert document["template_data"]["duong_dan"] == variables["link"]
    assert "Hồ sơ" in document["text"]  # Zalo keeps the diacritics


def test_a_broken_administrators_template_falls_back_to_the_default_and_is_logged(dossier, caplog):
    template = NotificationTemplate.objects.get(event="receive", channel="email", language="vi")
    # Saved behind the admin's back (the admin refuses both): a syntax error and a tag that reads settings.
    for broken in ("Hồ sơ {% if code %}", "{% debug %} {{ code }}"):
        template.body = broken
        template.save()
        variables = message_context(dossier=dossier, event=_event(dossier, "receive"))
        with caplog.at_level(logging.ERROR):
            rendered = message_render(event="receive", channel="email", language="vi", variables=variables)
        assert rendered is not None and rendered.source == "default"
        assert dossier.code in rendered.body and "đã được tiếp nhận" in rendered.body
        assert "receive/email/vi failed" in caplog.text


def test_a_template_switched_off_sends_nothing_on_that_channel(dossier):
    NotificationTemplate.objects.filter(event="receive", channel="sms").update(active=False)
    variables = message_context(dossier=dossier, event=_event(dossier, "receive"))
    assert compose(event="receive", channel="sms", variables=variables) is None
    assert compose(event="receive", channel="email", variables=variables) is not None


class TestNoRepeatedStatus:
    def test_rule_on_a_log(self):
        log = [
            (1, "submit", Status.NEW),
            (2, "receive", Status.RECEIVED),
            (3, "forward", Status.PROCESSING),
            (4, "forward", Status.PROCESSING),  # same status: silent
            (5, "propose_result", Status.PROCESSING),  # internal: silent
            (6, "apologise", Status.PROCESSING),  # news: told
            (7, "request_supplement", Status.SUPPLEMENT_REQUESTED),
            (8, "answer_supplement", Status.PROCESSING),
            (9, "forward", Status.PROCESSING),  # same as the last told (8): silent
        ]
        assert notified_events(log) == {1, 2, 3, 6, 7, 8}

    def test_a_second_forward_is_not_told_and_an_apology_is(
        self, processing, one_stop, specialist, leader, public_base, django_capture_on_commit_callbacks
    ):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.dossier_forward(
                dossier_id=processing.pk, actor=specialist, assignee=specialist, at=vn(2025, 3, 3, 11)
            )
        forward_2 = processing.events.order_by("-seq").first()
        assert forward_2.action == "forward" and not forward_2.notifications.exists()
        assert mail.outbox == []
        with django_capture_on_commit_callbacks(execute=True):
            services.dossier_apologise(
                dossier_id=processing.pk,
                actor=leader,
                new_due_at=vn(2025, 3, 11, 9),
                reason="Cần xác minh thêm",
                at=vn(2025, 3, 4, 9),
            )
        (message,) = mail.outbox
        assert "06/03/2025 09:00" in message.body and "11/03/2025 09:00" in message.body
        assert f"{BASE}/tra-cuu/?ma={processing.code}" in message.body

    def test_supplement_request_through_the_services_tells_papers_and_deadline(
        self, processing, specialist, public_base, django_capture_on_commit_callbacks
    ):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.dossier_request_supplement(
                dossier_id=processing.pk,
                actor=specialist,
                content="Bản sao giấy chứng sinh",
                deadline=vn(2025, 3, 10, 17),
                at=vn(2025, 3, 4, 9),
            )
        (message,) = mail.outbox
        assert "Bản sao giấy chứng sinh" in message.body and "10/03/2025 17:00" in message.body
        sent = Notification.objects.get(event__action="request_supplement")
        assert sent.state == Notification.State.SENT


class TestAdmin:
    @pytest.fixture
    def admin_client(self, db) -> Client:
        user = User.objects.create_superuser(
            username="quantri", password="x-Pass-1234", email="qt@example.vn"
        )
        client = Client()
        client.force_login(user)
        return client

    def _post(self, client: Client, template: NotificationTemplate, **changes):
        data = {
            "event": template.event,
            "channel": template.channel,
            "language": template.language,
            "subject": template.subject,
            "body": template.body,
            "provider_template_id": template.provider_template_id,
            "active": "on",
            **changes,
        }
        return client.post(f"/admin/dossiers/notificationtemplate/{template.pk}/change/", data)

    def test_change_page_shows_a_preview_on_the_sample_dossier(self, admin_client):
        template = NotificationTemplate.objects.get(event="request_supplement", channel="sms", language="vi")
        page = admin_client.get(f"/admin/dossiers/notificationtemplate/{template.pk}/change/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "000.00.12.H38-250303-0001" in html and "10/03/2025 17:00" in html
        assert "tin nhắn (giới hạn 306)" in html
        assert "notificationtemplate/preview.js" in html

    def test_unknown_variable_and_syntax_error_are_refused(self, admin_client):
        template = NotificationTemplate.objects.get(event="receive", channel="email", language="vi")
        before = template.body
        answer = self._post(admin_client, template, body="Hồ sơ {{ code }} của {{ so_cccd }}")
        assert answer.status_code == 200 and "Biến “so_cccd” không có" in answer.content.decode()
        answer = self._post(admin_client, template, body="Hồ sơ {% if code %}")
        assert answer.status_code == 200 and "Lỗi cú pháp mẫu" in answer.content.decode()
        answer = self._post(admin_client, template, subject="{% load static %}")
        assert answer.status_code == 200
        template.refresh_from_db()
        assert template.body == before

    def test_too_long_sms_is_refused_and_a_good_edit_is_saved_with_history(self, admin_client):
        template = NotificationTemplate.objects.get(event="receive", channel="sms", language="vi")
        answer = self._post(admin_client, template, body="{{ code }} " + "x" * 400)
        assert "vượt giới hạn 306 ký tự" in answer.content.decode()
        answer = self._post(admin_client, template, body="Ho so {{ code }} da tiep nhan. {{ link }}")
        assert answer.status_code == 302
        template.refresh_from_db()
        assert template.updated_by.username == "quantri"
        assert [h.history_type for h in template.history.order_by("history_date")] == [
            "+",
            "~",
        ]  # seeded, edited

    def test_live_preview_renders_on_the_server(self, admin_client):
        answer = admin_client.post(
            "/admin/dossiers/notificationtemplate/preview/",
            {
                "event": "apologise",
                "channel": "sms",
                "language": "vi",
                "subject": "",
                "body": "{{ new_appointment }} {{ code }}",
            },
        )
        html = answer.content.decode()
        assert answer.status_code == 200 and "11/03/2025 09:00 000.00.12.H38-250303-0001" in html
        assert "42 ký tự, 1 tin nhắn" in html  # 16 + 1 + 25
        answer = admin_client.post(
            "/admin/dossiers/notificationtemplate/preview/",
            {"event": "apologise", "channel": "sms", "language": "vi", "body": "{{ settings.SECRET_KEY }}"},
        )
        assert "không có trong danh sách biến" in answer.content.decode()
        assert admin_client.get("/admin/dossiers/notificationtemplate/preview.js").status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_live_preview_in_a_browser_follows_the_text_being_typed(page, live_server, settings):
    # Given an administrator on the SMS template of the supplement request (the row is made here: a transactional
    # test may run after another one flushed the seeded rows)
    from playwright.sync_api import expect

    from dvctt.dossiers.notifications.defaults import default_template

    _, body = default_template("request_supplement", "sms", "vi")
    template, _ = NotificationTemplate.objects.get_or_create(
        event="request_supplement", channel="sms", language="vi", defaults={"body": body}
    )
    admin = User.objects.create_superuser(username="quantri2", password="x-Pass-1234", email="qt2@example.vn")
    client = Client()
    client.force_login(admin)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.set_default_timeout(60_000)  # a shared, loaded test machine
    page.goto(f"{live_server.url}/admin/dossiers/notificationtemplate/{template.pk}/change/")
    preview = page.locator("#notification-preview")
    assert "000.00.12.H38-250303-0001" in preview.inner_text()
    # When the text is replaced
    page.fill("textarea[name=body]", "Hạn {{ deadline }} – hồ sơ {{ code }}")
    # Then the server renders it on the sample dossier, folded for SMS, with its length
    expect(preview).to_contain_text("Han 10/03/2025 17:00 - ho so 000.00.12.H38-250303-0001", timeout=30_000)
    assert "ký tự, 1 tin nhắn" in preview.inner_text()
    # and an unknown variable shows the error before any save
    page.fill("textarea[name=body]", "{{ so_dinh_danh }}")
    expect(preview).to_contain_text("Biến “so_dinh_danh” không có trong danh sách biến", timeout=30_000)
    assert violations == []
