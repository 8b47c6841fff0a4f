"""The dashboard pages over HTTP: who sees what, bad input on the page (never a 500), pinned query counts,
the ranking's sort and filter, XLSX export, and the cache following changes."""

from __future__ import annotations

import io
import time
from datetime import date

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dvctt.accounts.models import Official, Role, User
from dvctt.agencies.models import Unit
from dvctt.catalog.models import ProcedureVersion
from dvctt.catalog.selectors import catalogue_on
from dvctt.common.tests.sample import sample_dir
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import Channel
from dvctt.interchange import read_folder
from dvctt.monitoring.kpi import kpi_compute
from dvctt.monitoring.models import DossierFact
from dvctt.monitoring.rollups import facts_refresh, rollups_rebuild
from dvctt.monitoring.tests.loader import load_records
from dvctt.plans.dashboards import selectors
from dvctt.plans.dashboards.periods import period_parse
from dvctt.plans.models import Plan, Target

YEAR_2025 = "?ky=nam&nam=2025"


@pytest.fixture(scope="module")
def _sample_loaded(django_db_setup, django_db_blocker):
    """The shared sample, loaded once for the module inside a transaction rolled back at its end (each test's
    own transaction nests in it as a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_records(read_folder(sample_dir() / "interchange").data)
        rollups_rebuild()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def sample(_sample_loaded, db):
    return {unit.code: unit for unit in Unit.objects.all()}


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch):
    """An empty cache, and a data version that stays put during a test (it still runs its query): the clock
    bucket (SQLite) or late statistics (PostgreSQL) must not turn a warm page cold under a pinned count."""
    cache.clear()
    real = selectors.data_version
    token = {"version": "test", "catalogue": "steady"}

    def steady() -> selectors.DataVersion:
        real()
        return selectors.DataVersion(token["version"], token["catalogue"])

    monkeypatch.setattr(selectors, "data_version", steady)
    return token


def _user(username: str, role: str, unit: Unit | None = None) -> User:
    return User.objects.create_user(
        username=username, password="x-Pass-12345", role=role, unit=unit, full_name=username
    )


@pytest.fixture
def monitor(db):
    return _user("monitor", Role.MONITOR)


def _unit_with_officials(units: dict[str, Unit]) -> Unit:
    unit_id = (
        Official.objects.filter(valid_to__isnull=True)
        .values_list("unit_id", flat=True)
        .order_by("unit_id")
        .first()
    )
    return Unit.objects.get(pk=unit_id)


# Access -----------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client, db):
    response = client.get(reverse("dashboards:overview"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.BUSINESS, Role.ONE_STOP_OFFICER, Role.SPECIALIST])
def test_other_roles_get_a_vietnamese_403(client, db, role):
    # given a signed-in user who steers nothing
    unit = Unit.objects.create(code="U1", name="Đơn vị 1", level="so", valid_from="2020-01-01")
    client.force_login(
        _user("someone", role, unit if role in (Role.ONE_STOP_OFFICER, Role.SPECIALIST) else None)
    )
    # when they open the dashboards, then they are refused on a page in Vietnamese
    for url in (
        reverse("dashboards:overview"),
        reverse("dashboards:ranking"),
        reverse("dashboards:unit", args=["U1"]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "không có quyền" in response.content.decode().lower()


def test_unit_leader_sees_overview_and_ranking_but_only_units_in_scope(client, sample):
    # given the leader of one unit
    own = Unit.objects.filter(children__isnull=True, valid_to__isnull=True).order_by("code").first()
    other = Unit.objects.filter(parent__isnull=True).exclude(pk=own.pk).order_by("code").first()
    client.force_login(_user("leader", Role.UNIT_LEADER, own))
    # then the province overview and the ranking are open
    assert client.get(reverse("dashboards:overview") + YEAR_2025).status_code == 200
    assert client.get(reverse("dashboards:ranking") + YEAR_2025).status_code == 200
    # and their unit's page, but not another unit's
    assert client.get(reverse("dashboards:unit", args=[own.code]) + YEAR_2025).status_code == 200
    refused = client.get(reverse("dashboards:unit", args=[other.code]) + YEAR_2025)
    assert refused.status_code == 403
    assert other.name in refused.content.decode()
    # and the province's dossier list shows the figure but not the items
    page = client.get(reverse("dashboards:explain", args=["online_dossier_rate", "mau"]) + YEAR_2025)
    assert page.status_code == 200
    assert "chỉ hiển thị cho đơn vị thuộc phạm vi" in page.content.decode()
    assert (
        client.get(
            reverse("dashboards:explain", args=["online_dossier_rate", "mau"]) + YEAR_2025 + "&xuat=xlsx"
        ).status_code
        == 403
    )


def test_official_names_only_for_monitors_and_that_units_leader(client, sample, monitor):
    # given a unit with officials in post at the end of 2025 and one of them who never applied online
    unit = _unit_with_officials(sample)
    name = (
        Official.objects.filter(unit=unit).exclude(full_name="").values_list("full_name", flat=True).first()
    )
    url = reverse("dashboards:unit", args=[unit.code]) + YEAR_2025
    explain_url = (
        reverse("dashboards:explain", args=["official_usage_rate", "mau"]) + YEAR_2025 + f"&dv={unit.code}"
    )
    Official.objects.filter(unit=unit).update(full_name="Nguyễn Văn Riêng")
    name = "Nguyễn Văn Riêng"
    # when the monitor, the unit's leader and a PPC leader open the unit page and the officials' list
    seen = {}
    for user in (monitor, _user("own-leader", Role.UNIT_LEADER, unit), _user("ppc", Role.PPC_LEADER)):
        client.force_login(user)
        seen[user.role] = (
            name in client.get(url).content.decode(),
            name in client.get(explain_url).content.decode(),
        )
    # then only the first two read names; the PPC leader reads the count
    assert seen == {
        Role.MONITOR: (True, True),
        Role.UNIT_LEADER: (True, True),
        Role.PPC_LEADER: (False, False),
    }


# Bad input --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/theo-doi/?ky=tuychon&tu=20/04/2025&den=05/03/2025", 400, "sau ngày kết thúc"),
        ("/theo-doi/xep-hang/?ky=tuychon&tu=20/04/2025&den=05/03/2025", 400, "sau ngày kết thúc"),
        ("/theo-doi/xep-hang/?cap=tinhthanh", 400, "Cấp đơn vị"),
        ("/theo-doi/xep-hang/?sx=abc", 400, "sắp xếp"),
        ("/theo-doi/don-vi/KHONG-CO/", 404, "Không có đơn vị mã"),
        ("/theo-doi/giai-thich/khong_co/tu/", 400, "Không có chỉ số mã"),
        ("/theo-doi/giai-thich/online_dossier_rate/abc/", 400, "không có phần"),
        ("/theo-doi/giai-thich/online_dossier_rate/tu/?dv=KHONG-CO", 404, "Không có đơn vị mã"),
        (
            "/theo-doi/giai-thich/online_dossier_rate/tu/?ky=nam&nam=2025&trang=999",
            404,
            "không có trong danh sách",
        ),
        ("/theo-doi/giai-thich/online_dossier_rate/tu/?ky=thang&thang=13", 400, "từ 1 đến 12"),
    ],
)
def test_bad_input_is_a_clear_vietnamese_error_on_the_page(client, monitor, url, status, words):
    client.force_login(monitor)
    response = client.get(url)
    assert response.status_code == status
    body = response.content.decode()
    assert words in body
    assert 'role="alert"' in body


# Pages and pinned queries -----------------------------------------------------------------------------------

# A cold page computes the figures (kpi.kpi_compute: a fixed number of queries whatever the volume) once per
# period it needs; a warm page (same data version) reads them from the cache.
# On PostgreSQL the data version is one more query (table statistics); elsewhere it is the clock.
V = 1 if connection.vendor == "postgresql" else 0
# Every request reads its session with its account in one query (accounts/sessions.py).
# cold: plan, targets, index configuration, and the province's figures of the quarter and of its nine months
# computed together (monitoring.kpi.kpi_counts_many, province only: 7 queries for all of them)
# + the assisted-online counts beside the online rate (monitoring.assisted: one query)
# + the plan's tasks and difficulties panel (steering: two counts, cached per reader for a minute)
STEERING_PANEL = 2
# + the guidance figure beside official usage, for the period and the trend's months together (monitoring.guided:
# the roster in post, then the guiders grouped per period: two queries)
GUIDED = 2
OVERVIEW_COLD = 10 + 1 + STEERING_PANEL + GUIDED + V
OVERVIEW_WARM = 2 + V
# after a change of dossiers, once the freshness window has passed: the quarter's province figures again (the
# queries of kpi_counts_many but the catalogue's, kept under the catalogue's own version) and its index; the
# trend's months from the last minute
# (+ the assisted counts of the quarter again, + the guidance counts again)
OVERVIEW_CHANGED = 9 + 1 + GUIDED + V
# (+ the guidance counts and their units: the units as the period has them, one query)
RANKING_COLD = 13 + GUIDED + 1 + V
RANKING_WARM = 3 + V
UNIT_WARM = 10 + V
# the session with its user, the page of items; no COUNT: the figure says how many there are (views.FigurePaginator)
EXPLAIN_WARM = 2 + V


def test_overview_shows_targets_trend_forecast_and_index(client, sample, monitor):
    # given a plan with a province target far above the sample's online rate
    plan = Plan.objects.create(
        name="KH", decision_number="165/KH-UBND", decision_date="2025-01-01", start_year=2025, end_year=2025
    )
    Target.objects.create(plan=plan, indicator="online_dossier_rate", year=2025, value="0.99")
    client.force_login(monitor)
    # when the overview of the first half of 2025 is opened
    body = client.get(reverse("dashboards:overview") + "?ky=nua&nam=2025&nua=1").content.decode()
    # then it shows the plan, the indicator at risk, a chart with text alternative, and the index by group
    assert "165/KH-UBND" in body
    assert "99,0 %" in body
    assert "Có nguy cơ không đạt" in body
    assert '<svg class="chart"' in body and '<desc id="c-online_dossier_rate-d">Tháng 1:' in body
    assert "Tổng điểm" in body and "Tiến độ giải quyết" in body
    assert "/theo-doi/giai-thich/online_dossier_rate/tu/" in body
    # the headline is the period's, the chart and the table the months'
    assert "Số lớn trên mỗi thẻ: cả kỳ 01/01/2025–30/06/2025; biểu đồ và bảng bên dưới: từng tháng" in body
    # index scores: at most two decimals, with the Vietnamese decimal comma, in the tables and the chart alike
    import re

    scores = re.findall(r'<td class="number">(\d+(?:[.,]\d+)?) / \d+(?:[.,]\d+)?</td>', body)
    chart = re.findall(r'<text class="axis" x="\d+" y="\d+">(\d+(?:[.,]\d+)?)/\d+', body)
    assert scores and chart
    for text in scores + chart:
        assert "." not in text and (("," not in text) or len(text.split(",")[1]) <= 2), text


def test_overview_query_count_is_pinned(client, sample, monitor, django_assert_num_queries, _fresh_cache):
    client.force_login(monitor)
    url = reverse("dashboards:overview") + "?ky=quy&nam=2025&quy=3"
    client.get(reverse("dashboards:ranking"))  # session and user loaded once, like any later request
    cache.clear()
    # cold: version, plan, targets, the quarter's figures, the trend's nine months, the index configuration
    with django_assert_num_queries(OVERVIEW_COLD):
        assert client.get(url).status_code == 200
    # warm: the session with its user, version, plan and targets, index configuration; the figures from the cache
    with django_assert_num_queries(OVERVIEW_WARM):
        assert client.get(url).status_code == 200
    # the data changed a moment ago: figures computed within the freshness window are still shown
    _fresh_cache["version"] = "changed"
    with django_assert_num_queries(OVERVIEW_WARM):
        assert client.get(url).status_code == 200
    # the data changed longer ago than the window: the quarter is recomputed, the trend's months may be up to a
    # minute old
    with override_settings(DVCTT_DASHBOARD_FRESH_SECONDS=0), django_assert_num_queries(OVERVIEW_CHANGED):
        assert client.get(url).status_code == 200
    # the catalogue changed too: its versions are read again (one query more)
    _fresh_cache["version"], _fresh_cache["catalogue"] = "changed again", "catalogue-changed"
    with override_settings(DVCTT_DASHBOARD_FRESH_SECONDS=0), django_assert_num_queries(OVERVIEW_CHANGED + 1):
        assert client.get(url).status_code == 200


def test_figures_follow_the_data_after_the_freshness_window(
    client, sample, monitor, monkeypatch, _fresh_cache
):
    client.force_login(monitor)
    url = reverse("dashboards:overview") + "?ky=quy&nam=2025&quy=3"
    first = client.get(url).context["data"]
    online = next(f for f in first.figures if f.indicator.code == "online_dossier_rate")
    # the page says when its figures were computed
    assert first.computed_at is not None
    assert f"{timezone.localtime(first.computed_at):%H:%M:%S %d/%m/%Y}" in client.get(url).content.decode()
    # when a dossier of the quarter turns from the counter to online, and its rollups follow
    fact = DossierFact.objects.filter(online=False, r_day__gte=date(2025, 7, 1), r_day__lte=date(2025, 9, 30))
    dossier = Dossier.objects.get(pk=fact.values_list("dossier_id", flat=True)[0])
    Dossier.objects.filter(pk=dossier.pk).update(channel=Channel.ONLINE)
    facts_refresh(dossier_ids={dossier.pk})
    _fresh_cache["version"] = "after the change"
    # then within the window the page still shows the figures it computed a moment ago
    again = next(
        f for f in client.get(url).context["data"].figures if f.indicator.code == "online_dossier_rate"
    )
    assert again.numerator == online.numerator
    # and once the window has passed, the new ones, computed again
    later = time.time() + settings.DVCTT_DASHBOARD_FRESH_SECONDS + 1
    monkeypatch.setattr(selectors.time, "time", lambda: later)
    data = client.get(url).context["data"]
    changed = next(f for f in data.figures if f.indicator.code == "online_dossier_rate")
    assert changed.numerator == online.numerator + 1
    assert changed.denominator == online.denominator
    # the page names the time of the oldest figures it shows: the trend's months, still a minute old at most
    assert data.computed_at == first.computed_at


def test_a_change_of_catalogue_moves_the_figures_the_catalogue_counts(client, sample, monitor, _fresh_cache):
    # given the quarter's overview computed, its catalogue counts kept under the catalogue's version
    client.force_login(monitor)
    url = reverse("dashboards:overview") + "?ky=quy&nam=2025&quy=3"

    def full_process() -> tuple[int, int]:
        data = client.get(url).context["data"]
        figure = next(f for f in data.figures if f.indicator.code == "full_process_coverage")
        return figure.numerator, figure.denominator

    before = full_process()
    # when an eligible procedure in force on the quarter's last day becomes full-process online
    version = next(
        v
        for v in ProcedureVersion.objects.filter(eligible_full_process=True).exclude(online_level=4)
        if v in catalogue_on(on=date(2025, 9, 30))
    )
    version.online_level = 4
    version.save()
    _fresh_cache["version"], _fresh_cache["catalogue"] = "after the change", "catalogue-changed"
    # then once the window has passed the figure counts it, the catalogue read again under its new version
    with override_settings(DVCTT_DASHBOARD_FRESH_SECONDS=0):
        assert full_process() == (before[0] + 1, before[1])
    # and it equals the engine's figure computed from nothing kept
    engine = kpi_compute(date_from=date(2025, 7, 1), date_to=date(2025, 9, 30))["province"]
    assert full_process() == (
        engine["full_process_coverage"]["numerator"],
        engine["full_process_coverage"]["denominator"],
    )


def test_the_warmer_computes_the_usual_periods_before_anyone_asks(
    client, sample, monitor, django_assert_num_queries, _fresh_cache
):
    # given today's usual periods computed by ``dvctt dashboards_warm``
    today = timezone.localdate()
    call_command("dashboards_warm")
    client.force_login(monitor)
    client.get(reverse("dashboards:ranking") + "?ky=thang&nam=2025&thang=1")  # session and user
    # then the year so far, the quarter, the month and the half open as warm pages (no figure computed), in both
    # units modes
    periods = selectors.warm_periods(today=today)
    assert {(p.kind, p.date_to, p.units_mode) for p in periods} == {
        (kind, today, mode) for kind in ("nam", "quy", "thang", "nua") for mode in ("period", "current")
    }
    for index, period in enumerate(periods):
        # the reader's steering panel is counted on their first page, then cached
        with django_assert_num_queries(OVERVIEW_WARM + (STEERING_PANEL if index == 0 else 0)):
            assert client.get(reverse("dashboards:overview") + "?" + period.query()).status_code == 200
        with django_assert_num_queries(RANKING_WARM):
            assert client.get(reverse("dashboards:ranking") + "?" + period.query()).status_code == 200


def test_ranking_query_count_is_pinned_and_independent_of_units(
    client, sample, monitor, django_assert_num_queries
):
    client.force_login(monitor)
    url = reverse("dashboards:ranking") + YEAR_2025
    cache.clear()
    with django_assert_num_queries(RANKING_COLD):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(RANKING_WARM):
        assert client.get(url).status_code == 200


def test_unit_and_explain_query_counts_are_pinned(client, sample, monitor, django_assert_num_queries):
    client.force_login(monitor)
    unit = _unit_with_officials(sample)
    client.get(reverse("dashboards:unit", args=[unit.code]) + YEAR_2025)  # figures cached
    with django_assert_num_queries(UNIT_WARM):
        assert client.get(reverse("dashboards:unit", args=[unit.code]) + YEAR_2025).status_code == 200
    url = reverse("dashboards:explain", args=["online_dossier_rate", "mau"]) + YEAR_2025
    with django_assert_num_queries(EXPLAIN_WARM):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(EXPLAIN_WARM):
        assert client.get(url + "&trang=2").status_code == 200


def test_trend_months_equal_the_engines_province(sample):
    # given every month of 2025 and a few odd periods
    periods = [(date(2025, m, 1), date(2025, m, 28)) for m in range(1, 13)]
    periods += [(date(2024, 12, 30), date(2025, 2, 3)), (date(2025, 1, 1), date(2025, 12, 31))]
    for date_from, date_to in periods:
        # when the dashboard's province-only path computes them, then they equal kpi_compute's province
        expected = kpi_compute(date_from=date_from, date_to=date_to, units_mode="period")["province"]
        assert selectors.province_figures(date_from=date_from, date_to=date_to) == expected, (
            date_from,
            date_to,
        )
    # and computed all together, in one set of queries, they are the same again
    together = selectors.province_figures_many(periods)
    for (date_from, date_to), figures in zip(periods, together, strict=True):
        assert figures == kpi_compute(date_from=date_from, date_to=date_to)["province"], (date_from, date_to)


def test_ranking_sorts_and_filters_by_level(client, sample, monitor):
    client.force_login(monitor)
    # when the ranking is sorted by name, ascending, then descending
    up = client.get(reverse("dashboards:ranking") + YEAR_2025 + "&sx=ten&chieu=tang").context["data"].rows
    down = client.get(reverse("dashboards:ranking") + YEAR_2025 + "&sx=ten&chieu=giam").context["data"].rows
    names = [r.unit.name.casefold() for r in up]
    assert names == sorted(names)
    assert [r.unit.code for r in down] == [r.unit.code for r in reversed(up)]
    # and filtered by a level, then only that level remains
    level = up[0].unit.level
    rows = client.get(reverse("dashboards:ranking") + YEAR_2025 + f"&cap={level}").context["data"].rows
    assert rows and {r.unit.level for r in rows} == {level}
    # and by default the best attainment comes first, ranks 1, 2, 3...
    default = client.get(reverse("dashboards:ranking") + YEAR_2025).context["data"].rows
    assert [r.rank for r in default] == list(range(1, len(default) + 1))


def test_ranking_units_as_today_fold_ended_units(client, sample, monitor):
    client.force_login(monitor)
    period_codes = {
        r.unit.code for r in client.get(reverse("dashboards:ranking") + YEAR_2025).context["data"].rows
    }
    current_codes = {
        r.unit.code
        for r in client.get(reverse("dashboards:ranking") + YEAR_2025 + "&donvi=current").context["data"].rows
    }
    ended = set(Unit.objects.filter(valid_to__isnull=False).values_list("code", flat=True))
    assert ended & period_codes
    assert not ended & current_codes


def test_explain_export_is_the_whole_list_in_xlsx(client, sample, monitor):
    client.force_login(monitor)
    url = reverse("dashboards:explain", args=["online_dossier_rate", "mau"]) + YEAR_2025
    page = client.get(url)
    total = page.context["page"].paginator.count
    assert total > 50  # more than one page
    response = client.get(url + "&xuat=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[3][0] == "Mã hồ sơ"
    assert len(rows) - 4 == total == page.context["expected"]


def test_an_export_longer_than_the_limit_is_refused_with_a_message(client, sample, monitor, monkeypatch):
    from dvctt.plans.dashboards import views

    client.force_login(monitor)
    url = reverse("dashboards:explain", args=["online_dossier_rate", "mau"]) + YEAR_2025
    total = client.get(url).context["expected"]
    # given a limit below the list's length
    monkeypatch.setattr(views, "EXPORT_LIMIT", total - 1)
    # then the export is refused in Vietnamese, naming both numbers, and nothing is written
    response = client.get(url + "&xuat=xlsx")
    assert response.status_code == 400
    body = response.content.decode()
    assert "quá" in body and f"{total - 1:,}".replace(",", ".") in body
    assert not response["Content-Type"].startswith("application/vnd.openxmlformats")
    # and at the limit it is written
    monkeypatch.setattr(views, "EXPORT_LIMIT", total)
    assert client.get(url + "&xuat=xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")


def test_explain_pages_walk_the_whole_list_once_in_dossier_order(client, sample, monitor):
    # given the year's received dossiers behind the province's online rate (a figure of more than one page)
    client.force_login(monitor)
    url = reverse("dashboards:explain", args=["online_dossier_rate", "mau"]) + YEAR_2025
    first = client.get(url)
    figure = first.context["figure"]["denominator"]
    paginator = first.context["page"].paginator
    assert figure > 50
    # then the pages are counted from the figure, and together they hold every listed dossier once, by id
    assert paginator.count == figure
    codes = []
    for number in range(1, paginator.num_pages + 1):
        page = client.get(url + f"&trang={number}").context["page"]
        codes += [row["dossier__code"] for row in page.object_list]
    listing = list(first.context["listing"].rows.values_list("dossier__code", flat=True))
    assert codes == listing
    assert len(codes) == figure
    ids = list(Dossier.objects.filter(code__in=codes).order_by("pk").values_list("code", flat=True))
    assert codes == ids
    # and a page past the end is a Vietnamese 404, not a 500
    response = client.get(url + f"&trang={paginator.num_pages + 1}")
    assert response.status_code == 404


# The overview and the ranking export to XLSX with the page's figures, and print on A4 ----------------------------

EXPORT_QUERY = "ky=nua&nam=2025&nua=1"


def _xlsx_book(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def test_overview_xlsx_holds_the_pages_figures(client, sample, monitor):
    client.force_login(monitor)
    page = client.get(reverse("dashboards:overview") + "?" + EXPORT_QUERY).content.decode()
    assert "xuat=xlsx" in page
    sheet = _xlsx_book(client.get(reverse("dashboards:overview") + "?" + EXPORT_QUERY + "&xuat=xlsx")).active
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row and row[0]}
    data = selectors.dashboard_overview(period=period_parse({"ky": "nua", "nam": "2025", "nua": "1"}))
    for figure in data.figures:
        row = rows[str(figure.indicator.name)]
        assert (
            row[1] == pytest.approx(figure.value)
            and row[2] == figure.numerator
            and row[3] == figure.denominator
        )
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 == "9"  # A4


def test_ranking_xlsx_holds_every_ranked_unit(client, sample, monitor):
    client.force_login(monitor)
    sheet = _xlsx_book(client.get(reverse("dashboards:ranking") + "?" + EXPORT_QUERY + "&xuat=xlsx")).active
    data = selectors.dashboard_ranking(
        period=period_parse({"ky": "nua", "nam": "2025", "nua": "1"}), level="", sort="diem", descending=True
    )
    codes = [row[1] for row in sheet.iter_rows(min_row=6, values_only=True) if row and row[1]]
    assert codes == [row.unit.code for row in data.rows]
    assert sheet.page_setup.orientation == "landscape"
