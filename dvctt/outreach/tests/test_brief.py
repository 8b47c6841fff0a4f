"""The PPC leader's brief carries the section "Hoạt động truyền thông": counts per channel of its period and of the
one before, and the most active units, on the page and in the PDF (read back as text), still one A4 page."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from dvctt.agencies.models import UnitLevel
from dvctt.agencies.services import unit_create, unit_end
from dvctt.dossiers.tests.test_slips import _objects as pdf_objects
from dvctt.dossiers.tests.test_slips import pdf_text
from dvctt.outreach import selectors, services
from dvctt.reports.brief import brief_compute, brief_html, brief_pdf

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _record(actor, unit, day, channel, reach):
    services.activity_record(
        actor=actor,
        unit_id=unit.pk,
        date=day,
        channel=channel,
        title=f"Hoạt động {channel} {day:%d/%m}",
        audience="citizens",
        reach=reach,
        today=TODAY,
    )


@pytest.fixture
def activities(people, units):
    cache.clear()
    monitor = people["monitor"]
    for day, unit, channel, reach in [
        (date(2025, 7, 3), "just", "meeting", 80),
        (date(2025, 8, 9), "just", "meeting", 60),
        (date(2025, 9, 30), "just", "press", 5000),
        (date(2025, 9, 1), "home", "training", 40),
        (date(2025, 5, 5), "home", "broadcast", 20000),  # the quarter before
        (date(2025, 10, 1), "sci", "social", 999),  # after: not counted
    ]:
        _record(monitor, units[unit], day, channel, reach)


def test_the_section_counts_the_period_and_the_one_before(activities):
    brief = brief_compute(period_text="2025-Q3", today=TODAY)
    o = brief.outreach
    assert {c.code: (c.now, c.before) for c in o.channels if c.now or c.before} == {
        "meeting": (2, 0),
        "press": (1, 0),
        "training": (1, 0),
        "broadcast": (0, 1),
    }
    assert (o.total, o.total_before, o.reach, o.reach_before) == (4, 1, 5180, 20000)
    assert [(u.unit_code, u.total) for u in o.top_units] == [("S03", 3), ("S02", 1)]
    html = brief_html(brief)
    assert "Hoạt động truyền thông: 4 (kỳ trước Quý 2/2025: 1)" in html
    assert 'data-unit="S03"' in html and "Sở Tư pháp (3 hoạt động)" in html


def test_the_pdf_holds_the_section_on_one_page(activities):
    pdf = brief_pdf(brief_compute(period_text="2025-Q3", today=TODAY))
    heads = b"".join(head for head, _stream in pdf_objects(pdf).values())
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", heads)) == 1
    texts = [re.sub(r"\s+", " ", pdf_text(pdf))]
    tool = shutil.which("pdftotext")  # the poppler tool too, where installed
    if tool:
        texts.append(
            re.sub(
                r"\s+",
                " ",
                subprocess.run([tool, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode(),  # noqa: S603
            )
        )
    for text in texts:
        assert "Hoạt động truyền thông: 4 (kỳ trước Quý 2/2025: 1)" in text
        assert "Sở Tư pháp (3 hoạt động)" in text and "5.180" in text


def test_the_brief_page_shows_the_section(client, people, activities):
    client.force_login(people["ppc"])
    page = client.get(reverse("reports:brief"), {"period": "2025-Q3"})
    assert page.status_code == 200
    assert "Hoạt động truyền thông: 4" in page.content.decode()


def test_a_period_without_activities_says_so(people):
    cache.clear()
    html = brief_html(brief_compute(period_text="2025-Q3", today=TODAY))
    assert "Hoạt động truyền thông: 0 (kỳ trước Quý 2/2025: 0)" in html
    assert "Không có hoạt động truyền thông nào được ghi trong kỳ này và kỳ trước." in html


def test_the_most_active_units_are_today_s_with_ended_units_folded_into_their_heirs(
    people, units, activities
):
    """Given a department merged into Justice, Home Affairs merged into Science (which recorded nothing in the
    quarter) and a ward dissolved without an heir, when the brief of Q3 is computed, then the most active units are
    today's (agencies.selectors.unit_heir_map, as the indicators fold), and the province's totals keep everything."""
    monitor = people["monitor"]
    building = unit_create(
        code="S05", name="Sở Xây dựng", level=UnitLevel.DEPARTMENT, valid_from=date(2000, 1, 1)
    )
    ward = unit_create(code="X99", name="Xã Cũ", level=UnitLevel.COMMUNE, valid_from=date(2000, 1, 1))
    _record(monitor, building, date(2025, 7, 10), "print", 300)
    _record(monitor, building, date(2025, 8, 20), "meeting", 50)
    _record(monitor, ward, date(2025, 7, 15), "meeting", 30)
    unit_end(unit=building, last_day=date(2025, 9, 30), successor_code="S03")
    unit_end(unit=units["home"], last_day=date(2025, 9, 15), successor_code="S14")
    unit_end(unit=ward, last_day=date(2025, 8, 31))
    cache.clear()
    o = brief_compute(period_text="2025-Q3", today=TODAY).outreach
    assert [(u.unit_code, u.unit_name, u.total, u.reach) for u in o.top_units] == [
        ("S03", "Sở Tư pháp", 5, 5490),
        ("S14", "Sở Khoa học và Công nghệ", 1, 40),
    ]
    assert o.top_units[0].by_channel == {"meeting": 3, "press": 1, "print": 1}
    assert (o.total, o.reach) == (7, 5560)
    html = brief_html(brief_compute(period_text="2025-Q3", today=TODAY))
    assert "Sở Tư pháp (5 hoạt động)" in html and "Sở Khoa học và Công nghệ (1 hoạt động)" in html
    assert 'data-unit="S05"' not in html and 'data-unit="S02"' not in html and 'data-unit="X99"' not in html


def test_the_register_s_own_counts_stay_by_the_recorded_unit(people, units, activities):
    """The folding is the brief's (today's units); the register's counts per unit keep the unit recorded."""
    unit_end(unit=units["home"], last_day=date(2025, 9, 15), successor_code="S03")
    counts = selectors.activity_counts(user=people["monitor"], period=None)
    assert {r.unit_code: r.total for r in counts.rows} == {"S03": 3, "S02": 2, "S14": 1}
