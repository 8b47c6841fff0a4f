"""Every artefact that carries an address carries the configured public one (issue 17).

The platform is reached here on a foreign address (``Host: evil.example:8000``, as a proxy or a forged header would
present it) while ``DVCTT_PUBLIC_BASE_URL`` is the province's portal. Each artefact is produced over HTTP where it
is served, and every address found in it must be on the portal: the slips and their QR codes, the register and
the back office's XLSX exports, the applicant's e-mail / SMS / Zalo messages, the unit's reminder e-mail, the file
links sent to the national portal, the payment gateway's return and notification addresses, the national sign-in's
redirect URI and the API's page links. The code-level guard is ``dvctt/common/tests/test_public_url.py``.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from dvctt.dossiers import services
from dvctt.dossiers.models import Notification
from dvctt.dossiers.notifications.services import notifications_create_for_event
from dvctt.dossiers.tests.conftest import *  # noqa: F403 - the dossier fixtures
from dvctt.dossiers.tests.conftest import submission, vn
from dvctt.dossiers.tests.test_slips import pdf_text

BASE = "https://dichvucong.langson.gov.vn"
FOREIGN = "evil.example:8000"
URL = re.compile(r"https?://[^\s\"'<>()\\]+")
#: Namespaces inside the OOXML parts of a spreadsheet, and the licence notice inside an embedded font: names,
#: not addresses anybody is sent to.
FORMAT_NAMESPACES = (
    "http://schemas.openxmlformats.org/",
    "http://purl.org/",
    "http://www.w3.org/",
    "http://schemas.microsoft.com/",
    "http://dejavu.sourceforge.net",
)


def foreign_addresses(text: str) -> list[str]:
    """The addresses in ``text`` that are not on the public address (format namespaces aside)."""
    return [
        u for u in URL.findall(text) if not u.startswith(BASE + "/") and not u.startswith(FORMAT_NAMESPACES)
    ]


def pdf_streams(data: bytes) -> str:
    """A PDF's objects with their compressed streams inflated (where the text and any link annotation live)."""
    parts = [data.decode("latin-1")]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(stream).decode("latin-1"))
    return "\n".join(parts)


def xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return "\n".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())


@pytest.fixture
def public(settings):
    settings.PUBLIC_BASE_URL = BASE + "/"
    settings.ALLOWED_HOSTS = ["*"]  # the foreign Host reaches the views, as behind a careless proxy
    return BASE


def client_for(user) -> Client:
    client = Client(HTTP_HOST=FOREIGN)
    client.force_login(user)
    return client


def test_the_helper_sees_a_foreign_address():
    assert foreign_addresses(f"see http://{FOREIGN}/tra-cuu/?ma=X and {BASE}/tra-cuu/?ma=X") == [
        f"http://{FOREIGN}/tra-cuu/?ma=X"
    ]


def test_slips_and_their_qr_codes_hold_the_public_address(public, received, citizen, one_stop, monkeypatch):
    import segno

    encoded: list[str] = []
    real_make = segno.make
    monkeypatch.setattr(
        segno, "make", lambda content, *a, **k: encoded.append(content) or real_make(content, *a, **k)
    )
    for user, kind in ((citizen, "receipt"), (one_stop, "control")):
        response = client_for(user).get(
            reverse("api:dossier-slip", kwargs={"code": received.code, "kind": kind})
        )
        assert response.status_code == 200, (kind, response.content[:200])
        text = pdf_text(response.content)
        assert f"{BASE}/tra-cuu/?ma={received.code}" in text, kind
        assert "evil.example" not in text and foreign_addresses(text) == [], kind
    assert encoded == [f"{BASE}/tra-cuu/?ma={received.code}"] * 2


def test_the_register_and_the_back_office_exports_hold_no_other_address(public, received, one_stop):
    client = client_for(one_stop)
    period = {"unit": received.unit.code, "from": "2025-03-01", "to": "2025-03-31"}
    xlsx = client.get(reverse("api:dossier-register"), period)
    pdf = client.get(reverse("api:dossier-register"), {**period, "format": "pdf"})
    late = client.get(reverse("backoffice:export_late"))
    taken = client.get(
        reverse("backoffice:export_received"), {"tu_ngay": "01/03/2025", "den_ngay": "31/03/2025"}
    )
    for name, response in (("register", xlsx), ("late", late), ("received", taken)):
        assert response.status_code == 200, name
        body = xlsx_text(b"".join(response.streaming_content) if response.streaming else response.content)
        assert "evil.example" not in body and foreign_addresses(body) == [], name
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    body = pdf_streams(pdf.content)
    assert "/Type /Page" in body and "evil.example" not in body and foreign_addresses(body) == []


def test_messages_to_the_applicant_carry_the_public_links(public, processing, specialist, settings):
    # Given every channel on, and a move made through the API on the foreign address
    settings.DVCTT_NOTIFY_CHANNELS = ["email", "sms", "zalo"]
    received = processing
    received.applicant_phone = "0912345678"
    received.save(update_fields=["applicant_phone"])
    response = client_for(specialist).post(
        reverse("api:dossier-action", args=[received.code, "request_financial_obligation"]),
        {"amount": 200000, "content": "Lệ phí cấp bản sao"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    event = received.events.order_by("-seq").first()
    # When the messages are written
    notifications_create_for_event(event_id=event.pk)
    sent = Notification.objects.filter(event=event)
    # Then each channel's text links to the portal's lookup and payment pages, and to nothing else
    assert sorted(sent.values_list("channel", flat=True)) == ["email", "sms", "zalo"]
    for notification in sent:
        text = notification.subject + "\n" + notification.body
        assert f"{BASE}/ho-so/{received.code}/thanh-toan/" in text, notification.channel
        assert "evil.example" not in text and foreign_addresses(text) == [], notification.channel
    email = sent.get(channel="email")
    assert f"{BASE}/tra-cuu/?ma={received.code}" in email.body


def test_the_units_reminder_mail_links_to_the_dossier_on_the_public_address(public, processing, unit):
    from dvctt.dossiers.watch import dossier_watch

    unit.email = "sotuphap@langson.gov.vn"
    unit.save()
    mail.outbox.clear()
    dossier_watch(now=vn(2025, 3, 5, 10))
    [reminder] = [m for m in mail.outbox if m.to == ["sotuphap@langson.gov.vn"]]
    assert f"{BASE}/mot-cua/ho-so/{processing.code}/" in reminder.body
    assert foreign_addresses(reminder.body) == []


def test_file_links_sent_to_the_national_portal_are_on_the_public_address(public, received):
    from dvctt.integrations.national_portal.record import dossier_record

    record = dossier_record(received)
    links = re.findall(r"'DuongDan\w*': '([^']*)'", repr(record))
    assert links and all(link.startswith(f"{BASE}/dvcqg/tep/") for link in links if link), links


def test_the_payment_gateway_is_given_the_public_return_addresses(public, submitted, citizen):
    response = client_for(citizen).post(
        reverse("portal:payment_begin", args=[submitted.code]), {"purpose": "fees"}
    )
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["return_url"] == [f"{BASE}/thanh-toan/ket-qua/"]
    assert query["ipn_url"] == [f"{BASE}/thanh-toan/ipn/"]
    assert "evil.example" not in response["Location"]


def test_the_national_sign_in_redirect_uri_is_on_the_public_address(public, settings, db):
    settings.DVCTT_IDENTITY_ISSUER = "https://sso.dancuquocgia.gov.vn"
    settings.DVCTT_IDENTITY_AUTHORIZE_URL = "https://sso.dancuquocgia.gov.vn/oauth2/authorize"
    settings.DVCTT_IDENTITY_TOKEN_URL = "https://sso.dancuquocgia.gov.vn/oauth2/token"
    settings.DVCTT_IDENTITY_USERINFO_URL = "https://sso.dancuquocgia.gov.vn/oauth2/userinfo"
    settings.DVCTT_IDENTITY_JWKS_URL = "https://sso.dancuquocgia.gov.vn/oauth2/jwks"
    settings.DVCTT_IDENTITY_CLIENT_ID = "dvctt"
    response = Client(HTTP_HOST=FOREIGN).get(reverse("accounts:identity:start"))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["redirect_uri"] == [f"{BASE}/accounts/dinh-danh/callback/"]


def test_api_page_links_are_on_the_public_address(public, received, procedure, unit, citizen, one_stop):
    services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 3, 10))
    client = client_for(one_stop)
    first = client.get(reverse("api:dossier-list"), {"page_size": 1}).json()
    assert first["next"] == f"{BASE}/api/v1/dossiers/?page=2&page_size=1"
    second = client.get(first["next"].removeprefix(BASE)).json()
    assert second["previous"] == f"{BASE}/api/v1/dossiers/?page_size=1"
