"""Security defects of issue 18 on dossiers: formula injection in the exports (3), a dossier created in another
unit through the API (4), an empty supplement answer that resumes the clock (6)."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from dvctt.accounts.models import Role, User
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier, DossierEvent, DossierSequence
from dvctt.dossiers.states import Channel, Status
from dvctt.dossiers.tests.conftest import GOOD_FORM, vn

FORMULAS = ['=HYPERLINK("http://127.0.0.1/x","Bấm vào đây")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)"]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _received_with_name(*, name: str, address: str, unit, one_stop, day: date) -> Dossier:
    return services.dossier_intake(
        actor=one_stop,
        submission=services.Submission(
            procedure_code="1.001193",
            unit_code=unit.code,
            channel=Channel.IN_PERSON,
            applicant=services.Applicant(name=name, id_number="020199001234", address=address),
            form_data=dict(GOOD_FORM),
        ),
        at=vn(day.year, day.month, day.day, 9),
    )


def _text_cells(content: bytes) -> list[Any]:
    book = load_workbook(BytesIO(content))
    return [cell for row in book.active.iter_rows() for cell in row if cell.value is not None]


def _assert_shown_as_text(content: bytes, texts: list[str]) -> None:
    cells = _text_cells(content)
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a cell is a live formula"
    for text in texts:
        found = [c for c in cells if c.value == text]
        assert found, f"{text!r} is not shown as typed"
        assert all(c.data_type == "s" and c.quotePrefix for c in found)


@pytest.mark.django_db
class TestFormulaInjectionInExports:
    """Defect 3: what an applicant typed is shown as text in every XLSX export, never run as a formula."""

    @pytest.fixture
    def injected(self, procedure, unit, one_stop) -> list[Dossier]:
        return [
            _received_with_name(
                name=text, address="=1+1", unit=unit, one_stop=one_stop, day=date(2025, 3, 3 + i)
            )
            for i, text in enumerate(FORMULAS)
        ]

    def test_the_received_list_shows_the_names_as_text(self, injected, one_stop):
        # when the officer exports the dossiers received in March
        response = _client(one_stop).get(
            "/mot-cua/so-danh-sach/tiep-nhan.xlsx?tu_ngay=01/03/2025&den_ngay=31/03/2025"
        )
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        # then every name is text, the numbers the platform computed stay numbers
        _assert_shown_as_text(content, FORMULAS)
        numbers = [c.value for c in _text_cells(content) if c.column == 1 and c.data_type == "n"]
        assert numbers == [1, 2, 3, 4]

    def test_the_late_list_shows_the_names_as_text(self, injected, one_stop):
        response = _client(one_stop).get("/mot-cua/so-danh-sach/qua-han.xlsx")
        assert response.status_code == 200
        _assert_shown_as_text(b"".join(response.streaming_content), FORMULAS)

    def test_the_tracking_register_shows_names_and_addresses_as_text(self, injected, unit, one_stop):
        response = _client(one_stop).get(f"/api/v1/registers/?unit={unit.code}&from=2025-03-01&to=2025-03-31")
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        _assert_shown_as_text(content, FORMULAS)
        assert any(str(c.value).startswith("=1+1") for c in _text_cells(content))


def _nothing_written() -> None:
    assert Dossier.objects.count() == 0
    assert DossierEvent.objects.count() == 0
    assert DossierSequence.objects.count() == 0


def _submit_body(unit_code: str, **extra: Any) -> dict[str, Any]:
    return {
        "procedure_code": "1.001193",
        "unit_code": unit_code,
        "channel": Channel.IN_PERSON,
        "applicant_name": "Lương Thị Hoa",
        "applicant_id_number": "020190007777",
        "form_data": GOOD_FORM,
        **extra,
    }


@pytest.mark.django_db
class TestNoDossierInAnotherUnitThroughTheApi:
    """Defect 4: an official of one unit cannot create a dossier in another (outside boundary-free reception,
    covered by test_boundaries.py); the refusal comes before anything is written."""

    @pytest.mark.parametrize("receive", [False, True])
    @pytest.mark.parametrize("channel", [Channel.IN_PERSON, Channel.ONLINE, Channel.POSTAL])
    def test_a_one_stop_officer_of_another_unit_is_refused(
        self, procedure, unit, foreign_officer, receive, channel
    ):
        response = _client(foreign_officer).post(
            "/api/v1/dossiers/",
            _submit_body(unit.code, receive=receive, channel=channel),
            content_type="application/json",
        )
        assert response.status_code == 403, response.content
        assert response.json()["error"]["code"] == "outside_boundaries"
        _nothing_written()

    @pytest.mark.parametrize("role", [Role.SPECIALIST, Role.MONITOR, Role.ADMIN])
    def test_officials_who_do_not_receive_are_refused(self, procedure, unit, other_unit, role):
        official = User.objects.create_user(
            username=f"u-{role}", password="x-Pass-1234", role=role, unit=other_unit, full_name="Cán bộ"
        )
        response = _client(official).post(
            "/api/v1/dossiers/", _submit_body(unit.code, receive=True), content_type="application/json"
        )
        assert response.status_code == 403
        assert response.json()["error"]["message"]
        _nothing_written()

    def test_a_citizen_cannot_receive_their_own_dossier(self, procedure, unit, citizen):
        response = _client(citizen).post(
            "/api/v1/dossiers/",
            _submit_body(unit.code, receive=True, channel=Channel.ONLINE),
            content_type="application/json",
        )
        assert response.status_code in (400, 403, 409)
        assert response.json()["error"]["message"]
        _nothing_written()

    def test_the_units_own_officer_still_creates_and_reads_it(self, procedure, unit, one_stop):
        response = _client(one_stop).post(
            "/api/v1/dossiers/", _submit_body(unit.code, receive=True), content_type="application/json"
        )
        assert response.status_code == 201, response.content
        assert response.json()["status"] == Status.RECEIVED
        assert Dossier.objects.get().unit_id == unit.pk


@pytest.mark.django_db
class TestEmptySupplementAnswer:
    """Defect 6: an answer with neither a note nor a file is refused by the service, so by every face."""

    @pytest.fixture
    def asked(self, processing, specialist) -> Dossier:
        return services.dossier_request_supplement(
            dossier_id=processing.pk,
            actor=specialist,
            content="Bổ sung bản sao giấy chứng sinh",
            at=vn(2025, 3, 3, 14),
        )

    @pytest.mark.parametrize("note", ["", "   \n "])
    def test_the_api_refuses_it_and_the_clock_stays_paused(self, asked, citizen, note):
        response = _client(citizen).post(
            f"/api/v1/dossiers/{asked.code}/actions/answer_supplement/",
            {"note": note},
            content_type="application/json",
        )
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert error["code"] == "empty_answer"
        assert "nội dung bổ sung" in error["message"].lower()
        asked.refresh_from_db()
        assert asked.status == Status.SUPPLEMENT_REQUESTED
        assert asked.effective_due_at == asked.due_at
        assert not asked.events.filter(action="answer_supplement").exists()

    def test_the_service_refuses_it(self, asked, citizen):
        from dvctt.common.errors import DomainError

        with pytest.raises(DomainError) as raised:
            services.dossier_answer_supplement(dossier_id=asked.pk, actor=citizen, note=" ")
        assert raised.value.code == "empty_answer"

    def test_a_note_alone_is_an_answer(self, asked, citizen):
        response = _client(citizen).post(
            f"/api/v1/dossiers/{asked.code}/actions/answer_supplement/",
            {"note": "Đã nộp bản sao tại bộ phận một cửa"},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["status"] != Status.SUPPLEMENT_REQUESTED
