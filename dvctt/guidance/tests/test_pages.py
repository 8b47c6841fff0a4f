"""Guidance over HTTP: the official's page and card, the citizen's link and the apply form, what the dashboards,
the explain lists and the PPC brief show, the watch and its flags, the API."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dvctt.accounts.models import Role, User
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.tests.conftest import vn
from dvctt.guidance.apply import COOKIE
from dvctt.guidance.models import FlagKind, Guidance, GuidanceFlag
from dvctt.guidance.services import guidance_link_get_or_create, guidance_record
from dvctt.guidance.watch import guidance_watch
from dvctt.monitoring.rollups import rollups_rebuild
from dvctt.portal.tests.test_apply import _complete, _draft
from dvctt.reports.brief import brief_compute, brief_html

from .conftest import make_citizen, make_official, submit_online

pytestmark = pytest.mark.django_db
Q1_2025 = "?ky=quy&nam=2025&quy=1"


def _guided(cadre: User, unit: Any, n: int, *, first_hour: int = 8) -> list[Dossier]:
    out = []
    for i in range(n):
        relative = make_citizen(f"rel{i}", f"0201000{i:05d}")
        dossier = submit_online(relative, unit, vn(2025, 3, 3, first_hour, i % 60))
        guidance_record(dossier=dossier, official=cadre, source="named", consent=True)
        out.append(dossier)
    return out


# The official's page ---------------------------------------------------------------------------------------------


def test_official_sees_link_card_and_counts_never_the_dossiers(
    client: Client, unit, other_unit, online_procedure, settings
):
    settings.PUBLIC_BASE_URL = "https://dichvucong.langson.gov.vn"
    # an official of another unit than the one processing the relatives' dossiers
    cadre = make_official("xa", other_unit, "001080000011", name="Lê Thị Xa")
    dossiers = _guided(cadre, unit, 2)
    client.force_login(cadre)
    page = client.get(reverse("guidance:mine"))
    assert page.status_code == 200
    body = page.content.decode()
    link = guidance_link_get_or_create(official=cadre)
    url = f"https://dichvucong.langson.gov.vn/huong-dan-boi/{link.token}/"
    assert url in body and "<svg" in body
    assert f'data-count="total">{Guidance.objects.filter(official=cadre).count()}<' in body
    # never a dossier's code, applicant name or ID number
    for dossier in dossiers:
        assert dossier.code not in body
        assert dossier.applicant_name not in body
        assert dossier.applicant_id_number not in body
    # the printable card carries the public address as text and as a QR code (A6, or A4 on demand)
    card = client.get(reverse("guidance:card")).content.decode()
    assert url in card and "<svg" in card and 'data-size="A6"' in card
    assert 'data-size="A4"' in client.get(reverse("guidance:card") + "?kho=a4").content.decode()
    # the QR code is that address's (the same symbol segno makes for it)
    import segno

    assert segno.make(url, error="m").svg_inline(scale=6, border=2) in card
    # and guiding gives no access to the dossier in the back office either
    assert client.get(reverse("backoffice:dossier", args=[dossiers[0].code])).status_code == 404
    assert client.get(reverse("api:guidance_mine")).json()["total"] == 2


def test_citizens_and_anonymous_have_no_official_page(client: Client, citizen):
    assert client.get(reverse("guidance:mine")).status_code == 302
    client.force_login(citizen)
    response = client.get(reverse("guidance:mine"))
    assert response.status_code == 403 and "cán bộ" in response.content.decode()


def test_rotate_makes_the_old_card_invalid(client: Client, cadre):
    client.force_login(cadre)
    old = guidance_link_get_or_create(official=cadre)
    assert client.post(reverse("guidance:rotate")).status_code == 302
    response = Client().get(reverse("guidance:landing", args=[old.token]))
    assert response.status_code == 404 and "không còn hiệu lực" in response.content.decode()


# The citizen's side --------------------------------------------------------------------------------------------


def test_link_then_apply_with_consent_records_the_official(client: Client, cadre, citizen, online_procedure):
    link = guidance_link_get_or_create(official=cadre)
    # the link's page names the official and the unit, with the consent rule, and remembers them
    landing = client.get(reverse("guidance:landing", args=[link.token]))
    body = landing.content.decode()
    assert landing.status_code == 200 and cadre.full_name in body and cadre.unit.name in body
    assert "chỉ thực hiện khi bạn đánh dấu đồng ý" in body
    assert COOKIE in landing.cookies
    # the citizen signs in and applies; the review step offers the official, unticked consent
    client.force_login(citizen)
    draft = _draft(client)
    _complete(client, draft)
    review = client.get(reverse("portal:draft_review", args=[draft.pk])).content.decode()
    assert f"{cadre.full_name} — {cadre.unit.name}" in review
    assert 'id="guide-consent"' in review and "Tôi đồng ý ghi nhận cán bộ này" in review
    # when submitted with consent
    response = client.post(
        reverse("portal:draft_review", args=[draft.pk]), {"guide_official": "link", "guide_consent": "1"}
    )
    assert response.status_code == 302
    guidance = Guidance.objects.get()
    assert guidance.official == cadre and guidance.source == "link" and guidance.link == link
    assert guidance.dossier.applicant == citizen


def test_without_consent_the_dossier_is_submitted_and_nothing_recorded(
    client: Client, cadre, citizen, online_procedure
):
    client.get(reverse("guidance:landing", args=[guidance_link_get_or_create(official=cadre).token]))
    client.force_login(citizen)
    draft = _draft(client)
    _complete(client, draft)
    response = client.post(reverse("portal:draft_review", args=[draft.pk]), {"guide_official": "link"})
    assert response.status_code == 302
    assert Dossier.objects.count() == 1 and not Guidance.objects.exists()


def test_search_by_name_then_own_dossier_is_refused_and_nothing_is_written(
    client: Client, unit, online_procedure
):
    # given an official applying as a citizen (their own ID number) and naming themselves
    official = make_official("tran.van.tu", unit, "020199001234", name="Trần Văn Tư")
    applicant = make_citizen("tu.canhan", "020199001234", name="Trần Văn Tư")
    client.force_login(applicant)
    draft = _draft(client)
    _complete(client, draft)
    found = client.get(
        reverse("portal:draft_review", args=[draft.pk]) + "?tim_can_bo=Trần Tư"
    ).content.decode()
    assert f'value="{official.pk}"' in found and f"Trần Văn Tư — {unit.name}" in found
    response = client.post(
        reverse("portal:draft_review", args=[draft.pk]),
        {"guide_official": str(official.pk), "guide_consent": "1"},
    )
    # then a Vietnamese message on the page and no dossier at all (never half a write)
    assert response.status_code == 400
    assert "hồ sơ của chính mình" in response.content.decode()
    assert not Dossier.objects.exists() and not Guidance.objects.exists()
    # a forged official id is refused the same way
    response = client.post(
        reverse("portal:draft_review", args=[draft.pk]), {"guide_official": "999999", "guide_consent": "1"}
    )
    assert response.status_code == 400 and not Dossier.objects.exists()


def test_officials_search_shows_name_and_unit_only(client: Client, cadre, citizen):
    client.force_login(citizen)
    data = client.get(reverse("guidance:search") + "?q=Cán").json()
    assert data == {"results": [{"id": cadre.pk, "name": cadre.full_name, "unit": cadre.unit.name}]}
    assert client.get(reverse("guidance:search") + "?q=C").json() == {"results": []}


# API -----------------------------------------------------------------------------------------------------------


def test_api_names_the_official_after_submitting(client: Client, cadre, citizen, unit, online_procedure):
    dossier = submit_online(citizen, unit, timezone.now())
    client.force_login(citizen)
    url = reverse("api:guidance")
    refused = client.post(
        url,
        {"dossier_code": dossier.code, "official_id": cadre.pk, "consent": False},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "consent_required"
    ok = client.post(
        url,
        {"dossier_code": dossier.code, "official_id": cadre.pk, "consent": True},
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["official"] == {"id": cadre.pk, "name": cadre.full_name, "unit": unit.name}
    # someone else's dossier is not found for them
    other = make_citizen("khac", "020100099999")
    client.force_login(other)
    assert (
        client.post(
            url,
            {"dossier_code": dossier.code, "official_id": cadre.pk, "consent": True},
            content_type="application/json",
        ).status_code
        == 404
    )
    # the official reads counts only
    client.force_login(cadre)
    mine = client.get(reverse("api:guidance_mine")).json()
    assert mine["total"] == 1 and dossier.code not in str(mine)


# Watch -----------------------------------------------------------------------------------------------------------


def test_watch_flags_many_in_a_day_and_monitor_acknowledges(
    client: Client, cadre, unit, monitor, online_procedure, settings
):
    settings.DVCTT_GUIDANCE_DAILY_MAX = 3
    settings.DVCTT_GUIDANCE_SAME_APPLICANT_MAX = 2
    _guided(cadre, unit, 4)
    # one relative with three dossiers guided the same day by another official
    other = make_official("hai", unit, "001080000009")
    relative = make_citizen("one.relative", "020188888888")
    for minute in range(3):
        guidance_record(
            dossier=submit_online(relative, unit, vn(2025, 3, 3, 10, minute)),
            official=other,
            source="named",
            consent=True,
        )
    report = guidance_watch(today=date(2025, 3, 4))
    assert (report.raised, report.updated) == (2, 0)
    assert guidance_watch(today=date(2025, 3, 4)).raised == 0  # idempotent
    many = GuidanceFlag.objects.get(kind=FlagKind.MANY_IN_A_DAY)
    same = GuidanceFlag.objects.get(kind=FlagKind.SAME_APPLICANT)
    assert (many.official, many.count, same.official, same.count) == (cadre, 4, other, 3)
    # the command says the same
    call_command("guidance_watch", "--day", "2025-03-04")
    # only monitors see the list, with the applicant masked
    client.force_login(cadre)
    assert client.get(reverse("guidance:flags")).status_code == 403
    client.force_login(monitor)
    body = client.get(reverse("guidance:flags")).content.decode()
    assert cadre.full_name in body and "020188888888" not in body and "Quá nhiều hồ sơ trong một ngày" in body
    assert client.post(reverse("guidance:flag_acknowledge", args=[many.pk])).status_code == 302
    many.refresh_from_db()
    assert many.acknowledged_by == monitor
    assert f'data-flag="{many.pk}"' not in client.get(reverse("guidance:flags")).content.decode()
    assert f'data-flag="{many.pk}"' in client.get(reverse("guidance:flags") + "?tatca=1").content.decode()


# Dashboards, explain, brief ------------------------------------------------------------------------------------


@pytest.fixture
def guided_q1(unit, other_unit, citizen, online_procedure):
    """Three officials of the unit (one guided a relative in Q1) and one of the other unit (guided no one)."""
    a = make_official("a", unit, "001000000001", name="Phạm Thị Dẫn")
    make_official("b", unit, "001000000002", name="Hoàng Văn Chưa")
    make_official("c", unit, "001000000003", name="Đỗ Văn Chưa")
    make_official("d", other_unit, "001000000004", name="Vũ Thị Khác")
    guidance_record(
        dossier=submit_online(citizen, unit, vn(2025, 2, 3)), official=a, source="link", consent=True
    )
    rollups_rebuild()
    return {"a": a}


def test_dashboards_show_the_figure_beside_official_usage(client: Client, guided_q1, unit, monitor):
    client.force_login(monitor)
    overview = client.get(reverse("dashboards:overview") + Q1_2025)
    codes = [f.indicator.code for f in overview.context["data"].figures]
    assert codes[codes.index("official_usage_rate") + 1] == "official_guidance_rate"
    figure = overview.context["data"].figures[codes.index("official_guidance_rate")]
    assert (figure.numerator, figure.denominator, figure.value_text) == (1, 4, "25,0 %")
    assert figure.target_text == "100,0 %"
    assert "Tỷ lệ cán bộ hướng dẫn người thân sử dụng DVCTT" in overview.content.decode()
    # the ranking has it as a column, sortable, but its score stays the plan's indicators'
    ranking = client.get(reverse("dashboards:ranking") + Q1_2025 + "&sx=official_guidance_rate")
    assert ranking.status_code == 200
    row = next(r for r in ranking.context["data"].rows if r.unit.code == unit.code)
    cell = next(f for f in row.figures if f.indicator.code == "official_guidance_rate")
    assert (cell.numerator, cell.denominator) == (1, 3)
    assert "/theo-doi/giai-thich/official_guidance_rate/tu/" in ranking.content.decode()
    # the unit's page
    page = client.get(reverse("dashboards:unit", args=[unit.code]) + Q1_2025)
    unit_figure = next(
        f for f in page.context["data"].figures if f.indicator.code == "official_guidance_rate"
    )
    assert (unit_figure.numerator, unit_figure.denominator) == (1, 3)


def test_explain_names_only_for_the_units_leader_and_monitors(
    client: Client, guided_q1, unit, other_unit, monitor
):
    url = reverse("dashboards:explain", args=["official_guidance_rate", "tu"]) + Q1_2025 + f"&dv={unit.code}"
    not_url = (
        reverse("dashboards:explain", args=["official_guidance_rate", "chuahuongdan"])
        + Q1_2025
        + f"&dv={unit.code}"
    )
    leader = User.objects.create_user(username="ld", password="x-Pass-1234", role=Role.UNIT_LEADER, unit=unit)
    other_leader = User.objects.create_user(
        username="ld2", password="x-Pass-1234", role=Role.UNIT_LEADER, unit=other_unit
    )
    ppc = User.objects.create_user(username="ppc", password="x-Pass-1234", role=Role.PPC_LEADER)
    seen = {}
    for who in (monitor, leader, ppc, other_leader):
        client.force_login(who)
        guided_page, not_page = client.get(url), client.get(not_url)
        seen[who.username] = (
            guided_page.status_code,
            "Phạm Thị Dẫn" in guided_page.content.decode(),
            "Hoàng Văn Chưa" in not_page.content.decode() and "Đỗ Văn Chưa" in not_page.content.decode(),
            "Phạm Thị Dẫn" in not_page.content.decode(),
        )
    assert seen["theodoi"] == (200, True, True, False)
    assert seen["ld"] == (200, True, True, False)
    assert seen["ppc"] == (200, False, False, False)  # the count, not the names
    assert seen["ld2"][1:] == (False, False, False)
    # the lists have as many items as the figure says
    client.force_login(monitor)
    page = client.get(url)
    assert page.context["expected"] == 1 and len(page.context["rows"]) == 1
    assert client.get(not_url).context["expected"] == 2
    province = client.get(reverse("dashboards:explain", args=["official_guidance_rate", "mau"]) + Q1_2025)
    assert province.context["expected"] == 4 and len(province.context["rows"]) == 4


def test_the_ppc_brief_has_the_line(guided_q1):
    brief = brief_compute(period_text="2025-Q1", today=date(2025, 4, 15))
    html = brief_html(brief)
    line = re.search(r'<tr data-indicator="official_guidance_rate">.*?</tr>', html, re.S)
    assert line is not None
    assert "25,0 %" in line.group(0) and "1 / 4" in line.group(0)
