"""Good practices: written and published by the department, read by every official; the figures before and after
are the dashboards' own (the same engine, the same periods), with links to the dashboards' explanations."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit
from dvctt.common.errors import AccessDenied, ConflictError, DomainError
from dvctt.common.tests.sample import sample_dir
from dvctt.interchange import read_folder
from dvctt.monitoring.indicators import INDICATORS, NATIONAL_INDEX, PLAN
from dvctt.monitoring.kpi import kpi_compute
from dvctt.monitoring.rollups import rollups_rebuild
from dvctt.monitoring.tests.loader import load_records
from dvctt.outreach import selectors, services
from dvctt.outreach.models import GoodPractice
from dvctt.plans.dashboards.periods import period_parse
from dvctt.plans.dashboards.selectors import KpiSource, dashboard_unit

from .conftest import TODAY

PLAN_CODES = [i.code for i in INDICATORS if i.group == PLAN]
INDEX_CODES = [i.code for i in INDICATORS if i.group == NATIONAL_INDEX]


@pytest.fixture(scope="module")
def _sample_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_records(read_folder(sample_dir() / "interchange").data)
        rollups_rebuild()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def sample(_sample_loaded, db) -> dict[str, Any]:
    cache.clear()
    q2 = kpi_compute(date_from=date(2025, 4, 1), date_to=date(2025, 6, 30))["units"]
    q3 = kpi_compute(date_from=date(2025, 7, 1), date_to=date(2025, 9, 30))["units"]
    code = next(
        c
        for c in sorted(q3)
        if c in q2
        and (q2[c]["online_dossier_rate"]["denominator"] or 0) > 0
        and (q3[c]["online_dossier_rate"]["denominator"] or 0) > 0
    )
    unit = Unit.objects.get(code=code)
    monitor = User.objects.create_user(username="giamsat", password="x-Pass-12345", role=Role.MONITOR)
    officer = User.objects.create_user(
        username="motcua", password="x-Pass-12345", role=Role.ONE_STOP_OFFICER, unit=unit
    )
    return {"unit": unit, "monitor": monitor, "officer": officer}


def write(monitor: Any, unit: Any, **extra: Any) -> GoodPractice:
    values: dict[str, Any] = {
        "title": "Một cán bộ, một thôn",
        "what": "Cán bộ một cửa về thôn hướng dẫn nộp hồ sơ trực tuyến.",
        "who": "Bộ phận một cửa",
        "before_from": date(2025, 4, 1),
        "before_to": date(2025, 6, 30),
        "after_from": date(2025, 7, 1),
        "after_to": date(2025, 9, 30),
        "indicators": [*PLAN_CODES, *INDEX_CODES],
        "today": TODAY,
    }
    values.update(extra)
    return services.practice_create(actor=monitor, unit_id=unit.pk, **values)


def _triple(figure: Any) -> tuple[Any, Any, Any]:
    return figure.numerator, figure.denominator, figure.value


@pytest.mark.parametrize("units_mode", ["period", "current"])
def test_the_figures_before_and_after_are_the_dashboards(sample, units_mode):
    # given a practice of a unit comparing Q2 and Q3 2025 on every indicator
    practice = write(sample["monitor"], sample["unit"], units_mode=units_mode)
    assert (practice.before_kind, practice.after_kind) == ("quy", "quy")
    # when its figures are read
    figures = selectors.practice_figures(practice=practice, today=TODAY)
    # then each equals what the unit's dashboard page shows for the same period (and the KPI engine gives)
    for period, side in ((figures.before, "before"), (figures.after, "after")):
        expected = period_parse(
            {"ky": "quy", "nam": "2025", "quy": period.params()["quy"], "donvi": units_mode}
        )
        assert (period.date_from, period.date_to) == (expected.date_from, expected.date_to)
        page = dashboard_unit(unit=sample["unit"], period=expected, source=KpiSource())
        shown = {f.indicator.code: _triple(f) for f in [*page.figures, *page.index_figures]}
        raw = kpi_compute(date_from=period.date_from, date_to=period.date_to, units_mode=units_mode)["units"]
        for row in figures.rows:
            mine = _triple(getattr(row, side))
            assert mine == shown[row.indicator.code], (side, row.indicator.code)
            engine = raw[sample["unit"].code][row.indicator.code]
            assert mine == (engine["numerator"], engine["denominator"], engine["value"])
    assert [r.indicator.code for r in figures.rows] == [*PLAN_CODES, *INDEX_CODES]
    online = figures.rows[0]
    assert online.before.denominator and online.after.denominator
    assert online.change == pytest.approx((online.after.value - online.before.value) * 100)


def test_custom_spans_are_read_as_the_dashboards_read_custom_dates(sample):
    practice = write(
        sample["monitor"],
        sample["unit"],
        before_from=date(2025, 4, 10),
        before_to=date(2025, 5, 20),
        after_from=date(2025, 8, 1),
        after_to=date(2025, 8, 31),
        indicators=["online_dossier_rate"],
    )
    assert (practice.before_kind, practice.after_kind) == ("tuychon", "thang")
    figures = selectors.practice_figures(practice=practice, today=TODAY)
    assert figures.after.label == "Tháng 8/2025"
    custom = period_parse({"ky": "tuychon", "tu": "10/04/2025", "den": "20/05/2025"}, today=TODAY)
    page = dashboard_unit(unit=sample["unit"], period=custom, source=KpiSource())
    assert _triple(figures.rows[0].before) == _triple(page.figures[0])


def test_only_the_department_writes_and_publishes_and_drafts_stay_inside(sample):
    unit, monitor, officer = sample["unit"], sample["monitor"], sample["officer"]
    with pytest.raises(AccessDenied):
        write(officer, unit)
    practice = write(monitor, unit)
    assert practice.state == "draft" and practice.published_at is None
    assert not selectors.practices_visible_to(officer).exists()
    with pytest.raises(AccessDenied):
        services.practice_publish(actor=officer, practice_id=practice.pk)
    services.practice_publish(actor=monitor, practice_id=practice.pk)
    with pytest.raises(ConflictError):
        services.practice_publish(actor=monitor, practice_id=practice.pk)
    assert list(selectors.practices_visible_to(officer)) == [practice]
    citizen = User.objects.create_user(username="cd", password="x-Pass-12345", role=Role.CITIZEN)
    assert not selectors.practices_visible_to(citizen).exists()
    services.practice_publish(actor=monitor, practice_id=practice.pk, publish=False)
    assert not selectors.practices_visible_to(officer).exists()
    states = [
        (h.state, h.history_user.username) for h in practice.history.order_by("history_date", "history_id")
    ]
    assert states == [("draft", "giamsat"), ("published", "giamsat"), ("draft", "giamsat")]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"after_from": date(2025, 6, 1), "after_to": date(2025, 9, 30)}, "after_from"),
        ({"before_from": date(2025, 7, 1), "before_to": date(2025, 6, 30)}, "before_from"),
        ({"after_from": date(2026, 1, 1), "after_to": date(2026, 3, 31)}, "after_from"),
        ({"indicators": []}, "indicators"),
        ({"indicators": ["made_up_rate"]}, "indicators"),
        ({"what": " "}, "what"),
        ({"units_mode": "all"}, "units_mode"),
    ],
)
def test_bad_practices_are_refused(sample, extra, field):
    with pytest.raises(DomainError) as refused:
        write(sample["monitor"], sample["unit"], **extra)
    assert field in refused.value.fields
    assert not GoodPractice.objects.exists()


def test_the_page_shows_the_figures_with_links_to_the_explanations(client, sample):
    practice = write(sample["monitor"], sample["unit"], indicators=["online_dossier_rate", "on_time_rate"])
    services.practice_publish(actor=sample["monitor"], practice_id=practice.pk)
    figures = selectors.practice_figures(practice=practice, today=TODAY)
    url = reverse("outreach:practice", args=[practice.pk])
    # the department: figures and the explain links of the unit and each period
    client.force_login(sample["monitor"])
    html = client.get(url).content.decode()
    online = figures.rows[0]
    assert online.before.value_text in html and online.after.value_text in html
    explain = reverse("dashboards:explain", args=["online_dossier_rate", "tu"])
    link = f"{explain}?{figures.after.query(dv=sample['unit'].code)}".replace("&", "&amp;")
    assert link in html
    opened = client.get(f"{explain}?{figures.after.query(dv=sample['unit'].code)}")
    assert opened.status_code == 200
    # an officer of the unit reads the same figures, without links to pages they may not open
    client.force_login(sample["officer"])
    html = client.get(url).content.decode()
    assert online.after.value_text in html and explain not in html
    # the dashboards link to the practices
    client.force_login(sample["monitor"])
    for name in ("dashboards:overview", "dashboards:ranking"):
        page = client.get(reverse(name), {"ky": "quy", "nam": "2025", "quy": "3"})
        assert reverse("outreach:practices") in page.content.decode()


def test_the_form_creates_a_draft_and_shows_errors(client, sample):
    client.force_login(sample["monitor"])
    data = {
        "unit": sample["unit"].pk,
        "title": "Một cán bộ, một thôn",
        "what": "Cán bộ về thôn.",
        "before_from": "01/04/2025",
        "before_to": "30/06/2025",
        "after_from": "01/06/2025",
        "after_to": "30/09/2025",
        "units_mode": "period",
        "indicators": ["online_dossier_rate"],
    }
    bad = client.post(reverse("outreach:practice_create"), data)
    assert bad.status_code == 400 and "Phải sau ngày 30/06/2025" in bad.content.decode()
    assert not GoodPractice.objects.exists()
    data["after_from"] = "01/07/2025"
    created = client.post(reverse("outreach:practice_create"), data)
    practice = GoodPractice.objects.get()
    assert created.status_code == 302 and created["Location"] == reverse(
        "outreach:practice", args=[practice.pk]
    )
    client.force_login(sample["officer"])
    assert client.get(reverse("outreach:practice_create")).status_code == 403
    assert client.get(reverse("outreach:practice", args=[practice.pk])).status_code == 404
