"""The inbox: scope, counts per status and due colour, filters, masking, paging, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dvctt.accounts.models import Role, User
from dvctt.backoffice.tests.conftest import client_for
from dvctt.dossiers import selectors_inbox as inbox
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import Status
from dvctt.dossiers.tests.conftest import submission, vn

pytestmark = pytest.mark.django_db


def _open_dossiers(unit, citizen, one_stop, n: int) -> list[Dossier]:
    made = []
    for i in range(n):
        d = services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 4, 8, i))
        made.append(d)
    return made


def test_anonymous_is_sent_to_login_and_citizen_is_refused(client, citizen):
    # given no session / a citizen's session, when opening the inbox
    response = client.get(reverse("backoffice:home"))
    # then login is asked for; a citizen gets 403
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert client_for(citizen).get(reverse("backoffice:home")).status_code == 403


def test_inbox_lists_dossiers_of_the_unit_with_counts_and_late_colour(
    one_stop_client, received, foreign_officer
):
    # given a dossier received in March 2025 (due 06/03/2025: late today)
    # when the one-stop officer opens the inbox
    response = one_stop_client.get(reverse("backoffice:home"))
    # then it is listed, counted as received and late, with dd/mm/yyyy HH:MM times
    assert response.status_code == 200
    counts = response.context["counts"]
    assert counts.by_status == {Status.RECEIVED: 1}
    assert counts.by_due["late"] == 1
    html = response.content.decode()
    assert received.code in html
    assert "06/03/2025 09:00" in html
    assert 'class="due-late"' in html
    # and an officer of another unit does not see it
    other = client_for(foreign_officer).get(reverse("backoffice:home"))
    assert received.code not in other.content.decode()
    assert other.context["counts"].total == 0


def test_due_colours_follow_the_working_day_line(received):
    # given a received dossier and three moments relative to its appointment
    due = received.due_at
    soon_line = lambda now: inbox.due_soon_limit(now=now)  # noqa: E731
    for now, expected in [
        (due - timedelta(days=3), inbox.ON_TRACK),
        (due - timedelta(hours=2), inbox.DUE_SOON),
        (due + timedelta(minutes=1), inbox.LATE),
    ]:
        # when the colour is computed for the row and counted in SQL
        state = inbox.due_state(received, now=now, soon=soon_line(now))
        counted = Dossier.objects.filter(pk=received.pk).filter(
            inbox.due_filter(expected, now=now, soon=soon_line(now))
        )
        # then both agree
        assert state == expected
        assert counted.exists()


def test_filters_status_channel_procedure_and_due(one_stop_client, received, citizen, unit, one_stop):
    _open_dossiers(unit, citizen, one_stop, 2)  # two new (status 1) online dossiers
    url = reverse("backoffice:home")
    assert len(one_stop_client.get(url, {"trang_thai": 1}).context["rows"]) == 2
    assert len(one_stop_client.get(url, {"trang_thai": 2}).context["rows"]) == 1
    assert len(one_stop_client.get(url, {"kenh": 1}).context["rows"]) == 0
    assert len(one_stop_client.get(url, {"thu_tuc": "1.001193"}).context["rows"]) == 3
    assert len(one_stop_client.get(url, {"han": "late"}).context["rows"]) == 1
    assert len(one_stop_client.get(url, {"han": "none"}).context["rows"]) == 2
    # the list length taken from the grouped counts matches the rows (no COUNT(*) query)
    for params in [{}, {"trang_thai": 1}, {"han": "late"}, {"trang_thai": 2, "han": "late"}, {"han": "none"}]:
        response = one_stop_client.get(url, params)
        assert response.context["page"].paginator.count == len(response.context["rows"]), params
    # a bad filter value is a 400 with the form's message, not a 500
    assert one_stop_client.get(url, {"trang_thai": "99"}).status_code == 400


def test_specialist_mine_shows_only_assigned(specialist_client, processing, citizen, unit, one_stop):
    _open_dossiers(unit, citizen, one_stop, 1)
    rows = specialist_client.get(reverse("backoffice:home"), {"cua_toi": "on"}).context["rows"]
    assert [r["dossier"].code for r in rows] == [processing.code]


def test_identification_number_masked_for_ppc_leader(received, unit):
    # given a PPC leader (sees the province, but not people) and a specialist of the unit
    ppc = User.objects.create_user(username="ppc", password="x-Pass-1234", role=Role.PPC_LEADER)
    officer = User.objects.create_user(
        username="cv2", password="x-Pass-1234", role=Role.SPECIALIST, unit=unit
    )
    # when both search for the dossier by code
    seen = client_for(officer).get(reverse("backoffice:search"), {"q": received.code}).content.decode()
    masked = client_for(ppc).get(reverse("backoffice:search"), {"q": received.code}).content.decode()
    # then the officer reads the number, the PPC leader a masked one
    assert "020199001234" in seen
    assert "020199001234" not in masked and "020******234" in masked


def test_search_by_id_number_and_name(one_stop_client, received):
    url = reverse("backoffice:search")
    assert received.code in one_stop_client.get(url, {"q": "020199001234"}).content.decode()
    assert received.code in one_stop_client.get(url, {"q": "Văn An"}).content.decode()
    assert received.code not in one_stop_client.get(url, {"q": "Trần Thị"}).content.decode()


def test_paging_keeps_filters(one_stop_client, procedure, citizen, unit, one_stop):
    _open_dossiers(unit, citizen, one_stop, 53)
    first = one_stop_client.get(reverse("backoffice:home"), {"trang_thai": 1})
    assert len(first.context["rows"]) == 50
    assert "trang_thai=1&amp;trang=2" in first.content.decode()
    second = one_stop_client.get(reverse("backoffice:home"), {"trang_thai": 1, "trang": 2})
    assert len(second.context["rows"]) == 3


def test_inbox_query_count_is_fixed(one_stop, citizen, unit, received, django_assert_num_queries):
    # given 20 open dossiers
    _open_dossiers(unit, citizen, one_stop, 20)
    client = client_for(one_stop)
    client.get(reverse("backoffice:home"))  # warm the calendar cache
    # when the inbox renders; then: the session with its user, scope (2), counts (which also give the page count), rows
    with django_assert_num_queries(5):
        response = client.get(reverse("backoffice:home"))
    assert len(response.context["rows"]) == 21


def test_counts_are_one_grouped_query(one_stop, received, django_assert_num_queries):
    qs = inbox.inbox_base(user=one_stop)
    now = timezone.now()
    list(qs[:0])  # resolve the scope first (cached on the user)
    with django_assert_num_queries(1):
        counts = inbox.inbox_counts(qs, now=now, soon=now + timedelta(days=1))
    assert counts.total == 1
