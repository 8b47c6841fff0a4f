"""The dossier API over HTTP: contract, error shape, scope, conflicts."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import Status
from dvctt.dossiers.tests.conftest import GOOD_FORM


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


SUBMIT = {
    "procedure_code": "1.001193",
    "unit_code": "000.00.12.H38",
    "channel": 2,
    "applicant_name": "Nguyễn Văn An",
    "applicant_id_number": "020199001234",
    "form_data": GOOD_FORM,
}


@pytest.mark.django_db
class TestSubmitOverHttp:
    def test_submit_returns_the_dossier_with_its_code(self, procedure, citizen):
        response = client_for(citizen).post("/api/v1/dossiers/", SUBMIT, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["code"].startswith("000.00.12.H38-")
        assert body["status"] == Status.NEW
        assert body["events"][0]["action"] == "submit"
        # the reader's own moves: the applicant may withdraw, not receive
        assert "request_withdrawal" in body["allowed_actions"]
        assert "receive" not in body["allowed_actions"]

    def test_retry_with_the_same_client_key_makes_one_dossier(self, procedure, citizen):
        client = client_for(citizen)
        first = client.post("/api/v1/dossiers/", {**SUBMIT, "client_key": "abc"}, format="json").json()
        second = client.post("/api/v1/dossiers/", {**SUBMIT, "client_key": "abc"}, format="json").json()
        assert first["code"] == second["code"]
        assert Dossier.objects.count() == 1

    def test_bad_form_is_a_400_in_the_common_shape(self, procedure, citizen):
        response = client_for(citizen).post(
            "/api/v1/dossiers/", {**SUBMIT, "form_data": {"ho_ten_tre": ""}}, format="json"
        )
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["message"]
        assert "ho_ten_tre" in error["fields"]
        assert Dossier.objects.count() == 0

    def test_missing_fields_are_named(self, procedure, citizen):
        response = client_for(citizen).post("/api/v1/dossiers/", {"channel": 2}, format="json")
        assert response.status_code == 400
        assert {"procedure_code", "unit_code", "applicant_name"} <= set(response.json()["error"]["fields"])

    def test_anonymous_cannot_submit(self, procedure):
        assert APIClient().post("/api/v1/dossiers/", SUBMIT, format="json").status_code in (401, 403)


@pytest.mark.django_db
class TestActionsOverHttp:
    def test_receive_then_illegal_move_is_409(self, submitted, one_stop):
        client = client_for(one_stop)
        response = client.post(f"/api/v1/dossiers/{submitted.code}/actions/receive/", {}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == Status.RECEIVED
        again = client.post(f"/api/v1/dossiers/{submitted.code}/actions/receive/", {}, format="json")
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "illegal_transition"

    def test_stale_version_is_409(self, received, one_stop):
        response = client_for(one_stop).post(
            f"/api/v1/dossiers/{received.code}/actions/refuse_acceptance/",
            {"reasons": "x", "expected_version": received.version - 1},
            format="json",
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "stale"

    def test_wrong_unit_cannot_even_see_the_dossier(self, submitted, foreign_officer):
        response = client_for(foreign_officer).post(f"/api/v1/dossiers/{submitted.code}/actions/receive/", {})
        assert response.status_code == 404

    def test_unknown_action_is_400(self, submitted, one_stop):
        response = client_for(one_stop).post(f"/api/v1/dossiers/{submitted.code}/actions/teleport/", {})
        assert response.status_code == 400

    def test_missing_reason_is_400_and_changes_nothing(self, submitted, one_stop):
        response = client_for(one_stop).post(
            f"/api/v1/dossiers/{submitted.code}/actions/refuse_acceptance/", {}
        )
        assert response.status_code == 400
        submitted.refresh_from_db()
        assert submitted.status == Status.NEW


@pytest.mark.django_db
class TestReadOverHttp:
    def test_officer_list_is_scoped_and_ids_unmasked_for_own_unit(self, submitted, one_stop, foreign_officer):
        own = client_for(one_stop).get("/api/v1/dossiers/").json()
        assert [d["code"] for d in own["results"]] == [submitted.code]
        assert own["results"][0]["applicant_id_number"] == "020199001234"
        assert client_for(foreign_officer).get("/api/v1/dossiers/").json()["results"] == []

    def test_list_query_count_does_not_grow_with_rows(
        self, procedure, unit, citizen, one_stop, django_assert_max_num_queries
    ):
        from dvctt.dossiers import services
        from dvctt.dossiers.tests.conftest import submission, vn

        for hour in range(8, 16):
            services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 4, hour))
        with django_assert_max_num_queries(6):
            response = client_for(one_stop).get("/api/v1/dossiers/?page_size=50")
        assert response.json()["count"] == 8

    def test_bad_status_filter_is_400(self, one_stop):
        assert client_for(one_stop).get("/api/v1/dossiers/?status=42").status_code == 400

    def test_public_tracking_by_exact_code_shows_no_personal_data(self, received):
        response = APIClient().get(f"/api/v1/track/{received.code}/")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == Status.RECEIVED
        assert "020199001234" not in response.content.decode()
        assert "Nguyễn Văn An" not in response.content.decode()
        assert APIClient().get(f"/api/v1/track/{received.code[:-1]}/").status_code == 404

    def test_schema_lists_the_dossier_endpoints(self, db):
        schema = APIClient().get("/api/v1/schema/?format=json").json()
        assert "/api/v1/dossiers/{code}/actions/{action}/" in schema["paths"]


@pytest.mark.django_db
class TestFinancialObligationOverHttp:
    """Only a verified payment or an officer at the counter settles an obligation, and only for the amount due."""

    @pytest.fixture
    def obligation(self, processing, specialist):
        from dvctt.dossiers import services

        return services.dossier_request_financial_obligation(
            dossier_id=processing.pk, actor=specialist, amount=50000, content="Lệ phí trước bạ"
        )

    def _record(self, user, dossier, **body):
        return client_for(user).post(
            f"/api/v1/dossiers/{dossier.code}/actions/record_payment/", body, format="json"
        )

    def _unchanged(self, dossier) -> None:
        before = (dossier.status, dossier.version, dossier.paid_online, dossier.events.count())
        dossier.refresh_from_db()
        assert (dossier.status, dossier.version, dossier.paid_online, dossier.events.count()) == before

    def test_the_applicant_cannot_mark_the_obligation_paid(self, obligation, citizen):
        # given a dossier waiting for its applicant's payment of 50,000 đ
        assert obligation.applicant == citizen and obligation.status == Status.FINANCIAL_OBLIGATION
        # when the applicant claims a payment through the gateway, of any amount or the right one
        for amount in (1, 50000):
            response = self._record(citizen, obligation, amount=amount, payment_channel=2)
            # then it is refused and nothing moves
            assert response.status_code == 403, response.content
            self._unchanged(obligation)
        assert (
            "record_payment"
            not in client_for(citizen).get(f"/api/v1/dossiers/{obligation.code}/").json()["allowed_actions"]
        )

    def test_an_officer_records_only_a_counter_payment_of_the_amount_due(self, obligation, one_stop):
        # an officer cannot vouch for an online payment
        response = self._record(one_stop, obligation, amount=50000, payment_channel=2)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_channel"
        self._unchanged(obligation)
        # nor settle another amount
        response = self._record(one_stop, obligation, amount=49999)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "amount_mismatch"
        self._unchanged(obligation)
        # the amount due, taken at the counter, resumes processing and says how it was paid
        response = self._record(one_stop, obligation, amount=50000)
        assert response.status_code == 200, response.content
        obligation.refresh_from_db()
        assert obligation.status == Status.PROCESSING and obligation.paid_online == 0
        event = obligation.events.get(action="record_payment")
        assert event.payload["method"] == "counter" and event.actor == one_stop
