"""The register of communication activities: who records and reads what, the checks on every value, the counts
per unit and channel of a period (exact), the search without diacritics, the history and the XLSX export."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dvctt.common.errors import AccessDenied, DomainError
from dvctt.outreach import selectors, services
from dvctt.outreach.models import MAX_REACH, ActivityFile, CommunicationActivity
from dvctt.plans.dashboards.periods import custom_period, period_parse

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def record(actor: Any, unit: Any, **extra: Any) -> CommunicationActivity:
    values: dict[str, Any] = {
        "date": TODAY - timedelta(days=3),
        "channel": "meeting",
        "title": "Họp dân hướng dẫn nộp hồ sơ trực tuyến",
        "audience": "citizens",
        "reach": 80,
        "today": TODAY,
    }
    values.update(extra)
    return services.activity_record(actor=actor, unit_id=unit.pk, **values)


def test_officials_record_for_their_unit_and_read_only_their_scope(people, units):
    # given activities of Justice (by its officer) and of Home Affairs (by the department)
    mine = record(people["just_officer"], units["just"])
    other = record(people["monitor"], units["home"], channel="press", title="Bài báo về dịch vụ công")
    assert mine.recorded_by == people["just_officer"] and mine.unit == units["just"]
    # then an officer may not record for another unit, nor a citizen or a PPC leader at all
    with pytest.raises(AccessDenied):
        record(people["just_officer"], units["home"])
    for who in ("citizen", "ppc"):
        with pytest.raises(AccessDenied):
            record(people[who], units["just"])
    # and each reads their scope: Justice's officials Justice's, the province's roles every unit
    visible = {
        u: set(selectors.activities_visible_to(p).values_list("pk", flat=True)) for u, p in people.items()
    }
    assert visible["just_officer"] == visible["just_leader"] == {mine.pk}
    assert visible["home_officer"] == {other.pk}
    assert visible["monitor"] == visible["ppc"] == {mine.pk, other.pk}
    assert visible["citizen"] == set()


def test_editing_by_the_unit_and_the_department_keeps_every_version(people, units):
    activity = record(people["just_officer"], units["just"])
    # when another unit's official tries to edit it
    with pytest.raises(AccessDenied):
        services.activity_update(
            actor=people["home_officer"],
            activity_id=activity.pk,
            unit_id=units["just"].pk,
            date=activity.date,
            channel="meeting",
            title="Sửa trộm",
            audience="citizens",
            reach=1,
            today=TODAY,
        )
    # then nothing changed; the unit's leader and the department edit it
    activity.refresh_from_db()
    assert activity.title == "Họp dân hướng dẫn nộp hồ sơ trực tuyến"
    for actor, reach in ((people["just_leader"], 95), (people["monitor"], 120)):
        services.activity_update(
            actor=actor,
            activity_id=activity.pk,
            unit_id=units["just"].pk,
            date=activity.date,
            channel="meeting",
            title=activity.title,
            audience="citizens",
            reach=reach,
            place="Thôn Nà Lầu",
            today=TODAY,
        )
    history = list(activity.history.order_by("history_date", "history_id"))
    assert [(h.reach, h.history_user.username) for h in history] == [
        (80, "motcua.stp"),
        (95, "lanhdao.stp"),
        (120, "giamsat"),
    ]
    changes = selectors.activity_changes(activity)
    assert changes[0]["created"] and "Số người được tiếp cận" in changes[1]["changed"]
    assert "Địa điểm" in changes[1]["changed"] and changes[2]["changed"] == ["Số người được tiếp cận"]


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"date": TODAY + timedelta(days=1)}, "date", "chưa đến"),
        ({"reach": -1}, "reach", "từ 0 đến"),
        ({"reach": MAX_REACH + 1}, "reach", "từ 0 đến"),
        ({"reach": "nhiều"}, "reach", "số nguyên"),
        ({"title": "   "}, "title", "Hãy nhập tiêu đề"),
        ({"channel": "tv"}, "channel", "hình thức"),
        ({"audience": ""}, "audience", "đối tượng"),
        ({"links": ["javascript:alert(1)"]}, "links", "http://"),
        ({"links": ["ftp://example.org/a"]}, "links", "http://"),
        ({"links": [f"https://example.org/{n}" for n in range(11)]}, "links", "Tối đa"),
    ],
)
def test_bad_values_are_refused_in_vietnamese_and_nothing_is_written(people, units, extra, field, words):
    with pytest.raises(DomainError) as refused:
        record(people["just_officer"], units["just"], **extra)
    assert field in refused.value.fields and words in refused.value.message
    assert not CommunicationActivity.objects.exists()


def test_files_are_checked_as_dossier_files_are(people, units, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    fake = SimpleUploadedFile("bai-bao.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(DomainError) as refused:
        record(people["just_officer"], units["just"], files=[services.UploadedEvidence("bai-bao.pdf", fake)])
    assert "files" in refused.value.fields and not CommunicationActivity.objects.exists()
    pdf = SimpleUploadedFile("bai-bao.pdf", b"%PDF-1.4 bai bao", content_type="application/pdf")
    activity = record(
        people["just_officer"], units["just"], files=[services.UploadedEvidence("bai-bao.pdf", pdf)]
    )
    stored = ActivityFile.objects.get(activity=activity)
    assert (stored.name, stored.content_type, stored.size) == ("bai-bao.pdf", "application/pdf", 16)


def test_search_ignores_case_and_diacritics_and_filters_combine(people, units):
    a = record(people["just_officer"], units["just"], title="Họp dân ở thôn Nà Lầu", place="Nhà văn hóa")
    b = record(
        people["monitor"], units["home"], channel="training", audience="officials", title="Tập huấn cán bộ"
    )
    c = record(people["monitor"], units["home"], channel="press", date=date(2025, 6, 1), title="Đăng tin")

    def found(**filters: Any) -> list[int]:
        chosen = selectors.ActivityFilters(**filters)
        return sorted(
            selectors.activity_list(user=people["monitor"], filters=chosen).values_list("pk", flat=True)
        )

    assert found(query="HOP DAN na lau") == [a.pk]
    assert found(query="nha van hoa") == [a.pk]
    assert found(query="tap huan") == [b.pk]
    assert found(unit="S02") == sorted([b.pk, c.pk])
    assert found(channel="press") == [c.pk]
    assert found(audience="officials") == [b.pk]
    q4 = period_parse({"ky": "quy", "nam": "2025", "quy": "4"}, today=TODAY)
    assert found(period=q4) == sorted([a.pk, b.pk])
    assert found(period=q4, unit="S02") == [b.pk]


def test_counts_per_unit_and_channel_of_a_period_are_exact(people, units):
    period = custom_period(date(2025, 10, 1), date(2025, 12, 15), "period")
    rows = [
        ("just", "meeting", 80, date(2025, 10, 1)),
        ("just", "meeting", 20, date(2025, 12, 15)),
        ("just", "press", 1000, date(2025, 11, 3)),
        ("home", "training", 45, date(2025, 11, 20)),
        ("home", "meeting", 30, date(2025, 9, 30)),  # the day before: not counted
        ("sci", "social", 5000, date(2024, 12, 1)),  # a year before: not counted
    ]
    for unit, channel, reach, day in rows:
        record(people["monitor"], units[unit], channel=channel, reach=reach, date=day)
    counts = selectors.activity_counts(user=people["monitor"], period=period)
    assert [(r.unit_code, r.by_channel, r.total, r.reach) for r in counts.rows] == [
        ("S03", {"meeting": 2, "press": 1}, 3, 1100),
        ("S02", {"training": 1}, 1, 45),
    ]
    assert (counts.by_channel, counts.total, counts.reach) == (
        {"meeting": 2, "press": 1, "training": 1},
        4,
        1145,
    )
    # an official counts only their scope
    mine = selectors.activity_counts(user=people["home_officer"], period=period)
    assert [(r.unit_code, r.total) for r in mine.rows] == [("S02", 1)]


def test_the_pages_list_filter_count_and_export_safely(client, people, units):
    record(people["just_officer"], units["just"], title='=HYPERLINK("http://evil","bấm")', reach=12)
    record(people["just_officer"], units["just"], title="Họp dân Nà Lầu", channel="meeting", reach=30)
    client.force_login(people["monitor"])
    page = client.get(reverse("outreach:activities"), {"q": "na lau"})
    assert page.status_code == 200 and "Họp dân Nà Lầu" in page.content.decode()
    assert "HYPERLINK" not in page.content.decode()
    bad = client.get(reverse("outreach:activities"), {"kenh": "tv"})
    assert bad.status_code == 400 and "không hợp lệ" in bad.content.decode()
    bad = client.get(reverse("outreach:counts"), {"ky": "quy", "nam": "2025", "quy": "7"})
    assert bad.status_code == 400 and "không hợp lệ" in bad.content.decode()
    # the export: the typed formula stays text, dates are dates shown dd/mm/yyyy
    export = client.get(reverse("outreach:activities"), {"xuat": "xlsx"})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(min_row=3))
    titles = {r[5].value: r for r in rows}
    evil = titles['=HYPERLINK("http://evil","bấm")']
    assert evil[5].data_type == "s" and evil[5].quotePrefix
    assert evil[1].number_format == "DD/MM/YYYY" and evil[1].value.date() == TODAY - timedelta(days=3)
    assert evil[7].value == 12
    counts = client.get(reverse("outreach:counts"), {"ky": "nam", "nam": "2025", "xuat": "xlsx"})
    sheet = load_workbook(io.BytesIO(counts.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert values[0][:2] == ["Sở Tư pháp", "S03"] and values[0][-2:] == [2, 42]
    assert values[-1][0] == "Tổng cộng" and values[-1][-2:] == [2, 42]


def test_the_form_shows_vietnamese_errors_and_the_gates_hold(client, people, units):
    client.force_login(people["just_officer"])
    form = client.post(
        reverse("outreach:activity_create"),
        {
            "unit": units["just"].pk,
            "date": "31/12/2099",
            "channel": "meeting",
            "title": "Họp dân",
            "audience": "citizens",
            "reach": "-5",
            "links": "javascript:alert(1)",
        },
    )
    html = form.content.decode()
    assert form.status_code == 400 and "Không được âm." in html
    assert not CommunicationActivity.objects.exists()
    form = client.post(
        reverse("outreach:activity_create"),
        {
            "unit": units["just"].pk,
            "date": "31/12/2099",
            "channel": "meeting",
            "title": "Họp dân",
            "audience": "citizens",
            "reach": "5",
            "links": "javascript:alert(1)",
        },
    )
    assert form.status_code == 400 and "Không được sau hôm nay" in form.content.decode()
    # another unit is not offered, and a forged one is refused
    form = client.post(
        reverse("outreach:activity_create"),
        {
            "unit": units["home"].pk,
            "date": "01/12/2025",
            "channel": "meeting",
            "title": "Họp dân",
            "audience": "citizens",
            "reach": "5",
        },
    )
    assert form.status_code == 400 and not CommunicationActivity.objects.exists()
    client.force_login(people["citizen"])
    assert client.get(reverse("outreach:activities")).status_code == 403
    assert client.get(reverse("outreach:practices")).status_code == 403
