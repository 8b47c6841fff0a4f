"""The public statistics page /thong-ke/ over HTTP: open to everyone, the dashboards' very figures, cached per
period and data version, and bad input answered with a Vietnamese message (400), never a 500."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from dvctt.accounts.models import Role, User
from dvctt.common.tests.sample import sample_dir
from dvctt.interchange import read_folder
from dvctt.monitoring.kpi import kpi_compute
from dvctt.monitoring.rollups import rollups_rebuild
from dvctt.monitoring.tests.loader import load_records
from dvctt.plans.dashboards import public, selectors
from dvctt.portal.views.statistics import decimal_text

URL = "/thong-ke/"
PERIODS = [
    ({"ky": "nam", "nam": "2025"}, date(2025, 1, 1), date(2025, 12, 31)),
    ({"ky": "quy", "nam": "2025", "quy": "3"}, date(2025, 7, 1), date(2025, 9, 30)),
    ({"ky": "thang", "nam": "2025", "thang": "3"}, date(2025, 3, 1), date(2025, 3, 31)),
]


def _two(value: float) -> str:
    """Two decimals, half up, from the value's shortest decimal form (the page's rule)."""
    return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@pytest.fixture(scope="module")
def _sample_loaded(django_db_setup, django_db_blocker):
    """The shared sample (its dossiers, catalogue, officials, units) and its rollups, loaded once for the module
    in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_records(read_folder(sample_dir() / "interchange").data)
        rollups_rebuild()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def sample(_sample_loaded, db):
    return None


@pytest.fixture
def version(monkeypatch):
    """A data version the test moves by hand (the real one still runs its query)."""
    token = {"figures": "v1"}
    real = selectors.data_version

    def steady() -> selectors.DataVersion:
        real()
        return selectors.DataVersion(token["figures"], "steady")

    monkeypatch.setattr(selectors, "data_version", steady)
    return token


def test_the_page_needs_no_sign_in_and_is_linked_from_every_page(client, sample):
    # given nobody signed in
    # when the page of 2025 is opened
    response = client.get(URL, {"ky": "nam", "nam": "2025"})
    # then it is shown, with the province's totals and a row per agency, and nothing personal
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thống kê tình hình tiếp nhận và giải quyết hồ sơ" in html
    assert 'id="tk-total-received"' in html and "<svg" in html
    assert len(response.context["rows"]) == len(
        kpi_compute(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))["units"]
    )
    assert "SoDinhDanh" not in html and "applicant" not in html
    # and the portal's pages link to it
    assert f'href="{URL}"' in client.get(reverse("portal:unit_list")).content.decode()


def test_default_is_this_year_so_far(client, sample):
    response = client.get(URL)
    assert response.status_code == 200
    period = response.context["period"]
    assert period.date_from == date(date.today().year, 1, 1) and period.kind == "nam"


@pytest.mark.parametrize("params, date_from, date_to", PERIODS)
def test_figures_equal_the_dashboards(client, sample, params, date_from, date_to):
    # given a monitor who reads the steering dashboards of the same period
    monitor = User.objects.create_user(username="theodoi", password="x-Pass-12345", role=Role.MONITOR)
    staff = client.__class__()
    staff.force_login(monitor)
    ranking = staff.get(reverse("dashboards:ranking"), params).context["data"]
    overview = staff.get(reverse("dashboards:overview"), params).context["data"]
    cache.clear()  # the public page computes its own figures: they must still be the same

    # when anyone opens the public page of that period
    response = client.get(URL, params)
    assert response.status_code == 200
    data = response.context["data"]

    # then every agency's figures are the ranking's, and the province's the overview's
    dashboards = {row.unit.code: row for row in ranking.rows}
    assert {a.code for a in data.agencies} == set(dashboards)
    for agency in data.agencies:
        row = dashboards[agency.code]
        figures = {f.indicator.code: f for f in row.figures}
        online = figures["online_dossier_rate"]
        assert (agency.received, agency.online, agency.online_share) == (
            online.denominator,
            online.numerator,
            online.value,
        ), agency.code
        assert agency.index_total == row.index_total, agency.code
    engine = kpi_compute(date_from=date_from, date_to=date_to)
    for agency in data.agencies:
        on_time = engine["units"][agency.code]["on_time_rate"]
        assert (agency.on_time, agency.to_process, agency.on_time_share) == (
            on_time["numerator"],
            on_time["denominator"],
            on_time["value"],
        )
    province = {f.indicator.code: f for f in overview.figures + overview.index_figures}
    assert data.province.received == province["online_dossier_rate"].denominator
    assert data.province.online_share == province["online_dossier_rate"].value
    assert data.province.on_time_share == province["on_time_rate"].value
    assert data.province.index_total == overview.index["total"]
    # and the page shows them in Vietnamese: the province's score with two decimals and a decimal comma
    html = response.content.decode()
    if data.province.index_total is not None:
        assert f'id="tk-total-score">{_two(data.province.index_total).replace(".", ",")}' in html


def test_english_readers_get_a_decimal_point(client, sample, settings):
    # given a visitor who chose English (the language cookie the header's switch sets)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(URL, {"ky": "nam", "nam": "2025"})
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    total = response.context["data"].province.index_total
    assert total is not None
    assert f'id="tk-total-score">{_two(total)}' in response.content.decode()


@pytest.mark.parametrize(
    "value, places, vi, en",
    [
        (72.355, 2, "72,36", "72.36"),
        (31.315, 2, "31,32", "31.32"),
        (0.5, 2, "0,50", "0.50"),
        (1234567, 0, "1.234.567", "1,234,567"),
        (53.06, 1, "53,1", "53.1"),
    ],
)
def test_numbers_are_rounded_half_up_with_the_languages_separators(value, places, vi, en):
    with translation.override("vi"):
        assert decimal_text(value, places) == vi
    with translation.override("en"):
        assert decimal_text(value, places) == en


def test_sort_and_level(client, sample):
    by_received = client.get(URL, {"ky": "nam", "nam": "2025", "sx": "hoso", "chieu": "giam"}).context["rows"]
    counts = [int(r["received"].replace(".", "")) for r in by_received]
    assert counts == sorted(counts, reverse=True)
    by_name = client.get(URL, {"ky": "nam", "nam": "2025", "sx": "ten", "chieu": "tang"}).context["rows"]
    assert [r["name"].casefold() for r in by_name] == sorted(r["name"].casefold() for r in by_name)
    level = by_name[0]["level"]
    one_level = client.get(URL, {"ky": "nam", "nam": "2025", "cap": level}).context["rows"]
    assert one_level and {r["level"] for r in one_level} == {level}


def test_the_figures_are_cached_per_period_and_follow_a_change_of_data(
    client, sample, version, monkeypatch, settings, django_assert_max_num_queries
):
    settings.DVCTT_DASHBOARD_FRESH_SECONDS = 0
    cache.clear()
    computed = []
    real = public._compute
    monkeypatch.setattr(
        public, "_compute", lambda period, source: computed.append(period) or real(period, source)
    )
    params = {"ky": "quy", "nam": "2025", "quy": "1"}
    # given the page computed once
    assert client.get(URL, params).status_code == 200
    assert len(computed) == 1
    # when it is opened again: one cache read, the data version's query, no figure computed again
    with django_assert_max_num_queries(2):
        assert client.get(URL, params).status_code == 200
    assert len(computed) == 1
    # another period is another entry
    assert client.get(URL, {"ky": "thang", "nam": "2025", "thang": "2"}).status_code == 200
    assert len(computed) == 2
    # when the rollups change (a new data version) the period is computed again
    version["figures"] = "v2"
    assert client.get(URL, params).status_code == 200
    assert len(computed) == 3


@pytest.mark.parametrize(
    "params, message",
    [
        ({"ky": "nua"}, "Loại kỳ “nua” không hợp lệ"),
        ({"ky": "tuychon", "tu": "01/01/2025", "den": "31/01/2025"}, "Loại kỳ “tuychon” không hợp lệ"),
        ({"ky": "thang", "nam": "2025", "thang": "13"}, "không hợp lệ: chọn từ 1 đến 12"),
        ({"ky": "nam", "nam": "abc"}, "Giá trị “abc” của nam không hợp lệ"),
        ({"ky": "nam", "nam": "3000"}, "không hợp lệ"),
        ({"ky": "nam", "nam": "2025", "sx": "luong"}, "Cách sắp xếp “luong” không hợp lệ"),
        ({"ky": "nam", "nam": "2025", "cap": "thegioi"}, "Cấp đơn vị “thegioi” không hợp lệ"),
    ],
)
def test_bad_input_is_a_400_with_a_vietnamese_message(client, db, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html
