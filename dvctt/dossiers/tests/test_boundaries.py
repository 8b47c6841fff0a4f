"""Reception regardless of administrative boundaries (Decree 118/2025/ND-CP), through the services and the API.

A one-stop officer of commune A receives at the counter a dossier whose competent unit is commune B: the dossier
is B's (counted and processed there), carries A's code, is handed over to B by an event, and A can still open it.
Without the procedure's flag the same intake is refused and nothing is written.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit, UnitLevel
from dvctt.common.errors import AccessDenied, NotFoundError
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier, DossierEvent, DossierSequence
from dvctt.dossiers.selectors import dossier_get_for_user, dossiers_visible_to
from dvctt.dossiers.selectors_inbox import dossier_search, inbox_base
from dvctt.dossiers.states import Channel, Status
from dvctt.dossiers.tests.conftest import vn

BOUNDARY_FREE = "2.000815"
LOCAL_ONLY = "1.004227"


def make_commune(code: str, name: str) -> Unit:
    return Unit.objects.create(code=code, name=name, level=UnitLevel.COMMUNE, valid_from=date(2025, 7, 1))


def make_officer(username: str, role: str, unit: Unit) -> User:
    return User.objects.create_user(
        username=username, password="x-Pass-1234", role=role, unit=unit, full_name=username.title()
    )


@pytest.fixture
def commune_a(db) -> Unit:
    return make_commune("000.31.40.H38", "UBND xã Hoàng Văn Thụ")


@pytest.fixture
def commune_b(db) -> Unit:
    return make_commune("000.32.40.H38", "UBND xã Tân Thành")


@pytest.fixture
def commune_c(db) -> Unit:
    return make_commune("000.33.40.H38", "UBND xã Bắc Sơn")


@pytest.fixture
def officer_a(commune_a) -> User:
    return make_officer("motcua.a", Role.ONE_STOP_OFFICER, commune_a)


@pytest.fixture
def officer_b(commune_b) -> User:
    return make_officer("motcua.b", Role.ONE_STOP_OFFICER, commune_b)


@pytest.fixture
def specialist_b(commune_b) -> User:
    return make_officer("chuyenvien.b", Role.SPECIALIST, commune_b)


@pytest.fixture
def officer_c(commune_c) -> User:
    return make_officer("motcua.c", Role.ONE_STOP_OFFICER, commune_c)


def make_version(code: str, name: str, units: list[Unit], *, flag: bool):
    from dvctt.catalog.services import procedure_version_create

    return procedure_version_create(
        code=code,
        valid_from=date(2020, 1, 1),
        name=name,
        unit_codes=[u.code for u in units],
        online_level=3,
        time_limit=3,
        time_limit_unit="ngay_lam_viec",
        any_commune_reception=flag,
    )


@pytest.fixture
def boundary_free(calendar_seeded, commune_b, commune_c):
    """Certification of copies: commune B and C are competent, any commune's counter may receive it."""
    return make_version(BOUNDARY_FREE, "Chứng thực bản sao từ bản chính", [commune_b, commune_c], flag=True)


@pytest.fixture
def local_only(calendar_seeded, commune_b):
    """A procedure received only by its competent unit."""
    return make_version(LOCAL_ONLY, "Đăng ký kết hôn", [commune_b], flag=False)


def walk_in(unit: Unit, procedure_code: str = BOUNDARY_FREE, channel: int = Channel.IN_PERSON):
    return services.Submission(
        procedure_code=procedure_code,
        unit_code=unit.code,
        channel=channel,
        applicant=services.Applicant(name="Lương Thị Hoa", id_number="020190007777"),
    )


def _nothing_written() -> None:
    assert Dossier.objects.count() == 0
    assert DossierEvent.objects.count() == 0
    assert DossierSequence.objects.count() == 0


class TestReceivingForAnotherCommune:
    def test_the_dossier_is_the_competent_units_and_carries_the_receiving_units_code(
        self, boundary_free, officer_a, commune_a, commune_b
    ):
        # given a boundary-free procedure that commune B performs and commune A does not
        # when A's one-stop officer receives a walk-in dossier for B on Monday 03/03/2025 09:00
        dossier = services.dossier_intake(
            actor=officer_a, submission=walk_in(commune_b), at=vn(2025, 3, 3, 9)
        )
        # then B is the competent unit, A the receiving unit, and the code is A's
        assert dossier.unit_id == commune_b.pk
        assert dossier.receiving_unit_id == commune_a.pk
        assert dossier.code == f"{commune_a.code}-250303-0001"
        # the clock started at A's counter: 3 working days
        assert dossier.received_at == vn(2025, 3, 3, 9)
        assert dossier.due_at == dossier.first_due_at == vn(2025, 3, 6, 9)
        # and it was handed over to B, which an event says
        assert dossier.status == Status.PROCESSING and dossier.assignee_id is None
        actions = list(dossier.events.order_by("seq").values_list("action", "to_status"))
        assert actions == [
            ("submit", Status.NEW),
            ("receive", Status.RECEIVED),
            ("forward", Status.PROCESSING),
        ]
        handover = dossier.events.get(action="forward")
        assert handover.unit_id == commune_a.pk and handover.actor_id == officer_a.pk
        assert handover.payload["boundary_free"] is True
        assert handover.payload["competent_unit"] == commune_b.code
        assert handover.payload["receiving_unit"] == commune_a.code
        assert "UBND xã Tân Thành" in handover.payload["note"]
        assert "không phụ thuộc địa giới hành chính" in handover.payload["note"]

    def test_the_receiving_units_counter_numbers_both_its_own_and_the_others_dossiers(
        self, boundary_free, officer_a, commune_a, commune_b, commune_c
    ):
        # given commune A performs the procedure too (a second version would be a new start day: add the unit)
        boundary_free.units.add(commune_a)
        first = services.dossier_intake(actor=officer_a, submission=walk_in(commune_b), at=vn(2025, 3, 3, 9))
        second = services.dossier_intake(
            actor=officer_a, submission=walk_in(commune_a), at=vn(2025, 3, 3, 10)
        )
        third = services.dossier_intake(actor=officer_a, submission=walk_in(commune_c), at=vn(2025, 3, 3, 11))
        # then one gapless sequence of A's
        assert [first.code, second.code, third.code] == [f"{commune_a.code}-250303-000{n}" for n in (1, 2, 3)]
        # and A's own dossier is received as always: no hand-over
        assert second.unit_id == second.receiving_unit_id == commune_a.pk
        assert second.status == Status.RECEIVED
        assert not second.events.filter(action="forward").exists()

    def test_the_competent_unit_sees_and_processes_it_and_the_receiving_officer_can_open_it(
        self, boundary_free, officer_a, officer_b, specialist_b, officer_c, commune_b
    ):
        dossier = services.dossier_intake(
            actor=officer_a, submission=walk_in(commune_b), at=vn(2025, 3, 3, 9)
        )
        # B's one-stop officer and specialist find it in their inbox; A's lists do not count it
        assert list(inbox_base(user=officer_b).values_list("code", flat=True)) == [dossier.code]
        assert list(inbox_base(user=specialist_b).values_list("code", flat=True)) == [dossier.code]
        assert not dossiers_visible_to(officer_a).exists()
        # A's officer still opens it by its code; an officer of a third commune does not
        assert dossier_get_for_user(user=officer_a, code=dossier.code).pk == dossier.pk
        with pytest.raises(NotFoundError):
            dossier_get_for_user(user=officer_c, code=dossier.code)
        # and finds it by (a prefix of) its code in the back office's search, which C's officer does not
        assert [d.code for d in dossier_search(user=officer_a, query=dossier.code.lower())] == [dossier.code]
        assert dossier_search(user=officer_c, query=dossier.code) == []
        # B assigns it to its specialist, who approves it; A returns the result at its counter
        services.dossier_forward(
            dossier_id=dossier.pk, actor=officer_b, assignee=specialist_b, at=vn(2025, 3, 3, 10)
        )
        services.dossier_approve(dossier_id=dossier.pk, actor=specialist_b, at=vn(2025, 3, 4, 9))
        returned = services.dossier_return_result(
            dossier_id=dossier.pk, actor=officer_a, at=vn(2025, 3, 4, 14)
        )
        assert returned.status == Status.RETURNED

    def test_it_is_counted_for_the_competent_unit(
        self, boundary_free, officer_a, commune_b, django_capture_on_commit_callbacks
    ):
        from dvctt.monitoring.models import DossierFact

        # when the intake commits (the indicators' facts are refreshed after commit)
        with django_capture_on_commit_callbacks(execute=True):
            dossier = services.dossier_intake(
                actor=officer_a, submission=walk_in(commune_b), at=vn(2025, 3, 3, 9)
            )
        # then every indicator reads it under the competent unit
        assert DossierFact.objects.get(dossier=dossier).unit_id == commune_b.pk

    def test_a_postal_dossier_received_later_is_handed_over_on_receipt(
        self, boundary_free, officer_a, commune_a, commune_b
    ):
        # given a postal dossier for B recorded by A without receiving it yet
        dossier = services.dossier_submit(
            actor=officer_a, submission=walk_in(commune_b, channel=Channel.POSTAL), at=vn(2025, 3, 3, 8)
        )
        assert dossier.status == Status.NEW and dossier.receiving_unit_id == commune_a.pk
        submit = dossier.events.get()
        assert submit.payload["boundary_free"] is True and submit.payload["competent_unit"] == commune_b.code
        # when A receives it, then it goes to B
        received = services.dossier_receive(dossier_id=dossier.pk, actor=officer_a, at=vn(2025, 3, 3, 9))
        assert received.status == Status.PROCESSING
        assert received.events.filter(action="forward", payload__competent_unit=commune_b.code).count() == 1

    def test_a_citizens_online_dossier_is_received_by_the_competent_unit(
        self, boundary_free, citizen, commune_b
    ):
        sub = walk_in(commune_b, channel=Channel.ONLINE)
        dossier = services.dossier_submit(actor=citizen, submission=sub, at=vn(2025, 3, 3, 8))
        assert dossier.receiving_unit_id == dossier.unit_id == commune_b.pk
        assert dossier.code.startswith(commune_b.code)


class TestRefusals:
    def test_without_the_flag_receiving_for_another_unit_is_refused_and_nothing_is_written(
        self, local_only, officer_a, commune_a, commune_b
    ):
        with pytest.raises(AccessDenied) as raised:
            services.dossier_intake(
                actor=officer_a, submission=walk_in(commune_b, LOCAL_ONLY), at=vn(2025, 3, 3, 9)
            )
        assert raised.value.code == "outside_boundaries"
        assert raised.value.message == (
            "Thủ tục 1.004227 không thuộc danh mục tiếp nhận không phụ thuộc địa giới hành chính: "
            "UBND xã Hoàng Văn Thụ không tiếp nhận được hồ sơ thuộc thẩm quyền của UBND xã Tân Thành. "
            "Đề nghị tổ chức, cá nhân nộp hồ sơ tại UBND xã Tân Thành hoặc nộp trực tuyến."
        )
        _nothing_written()

    def test_the_competent_units_own_officer_still_receives_it(self, local_only, officer_b, commune_b):
        dossier = services.dossier_intake(
            actor=officer_b, submission=walk_in(commune_b, LOCAL_ONLY), at=vn(2025, 3, 3, 9)
        )
        assert dossier.status == Status.RECEIVED and dossier.receiving_unit_id == commune_b.pk

    def test_filing_online_for_another_unit_is_not_a_reception(self, boundary_free, officer_a, commune_b):
        # Online-on-behalf is received by the competent unit itself: an officer files it only for their own unit.
        with pytest.raises(AccessDenied, match="trực tiếp tại quầy hoặc qua bưu chính"):
            services.dossier_submit(
                actor=officer_a, submission=walk_in(commune_b, channel=Channel.ONLINE), at=vn(2025, 3, 3, 9)
            )
        _nothing_written()


class TestOverTheApi:
    def _client(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def _post(self, client: Client, unit: Unit, code: str):
        return client.post(
            "/api/v1/dossiers/",
            {
                "procedure_code": code,
                "unit_code": unit.code,
                "channel": Channel.IN_PERSON,
                "applicant_name": "Lương Thị Hoa",
                "applicant_type": 1,
                "receive": True,
            },
            content_type="application/json",
        )

    def test_intake_for_another_commune_over_the_api(self, boundary_free, officer_a, commune_a, commune_b):
        client = self._client(officer_a)
        response = self._post(client, commune_b, BOUNDARY_FREE)
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["unit_code"] == commune_b.code
        assert body["code"].startswith(commune_a.code + "-")
        assert body["status"] == Status.PROCESSING
        assert [e["action"] for e in body["events"]] == ["submit", "receive", "forward"]
        # the receiving officer opens it afterwards; it is not in their list
        assert client.get(f"/api/v1/dossiers/{body['code']}/").status_code == 200
        assert client.get("/api/v1/dossiers/").json()["results"] == []

    def test_refused_without_the_flag_over_the_api(self, local_only, officer_a, commune_b):
        response = self._post(self._client(officer_a), commune_b, LOCAL_ONLY)
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "outside_boundaries"
        assert "không phụ thuộc địa giới hành chính" in error["message"]
        _nothing_written()
