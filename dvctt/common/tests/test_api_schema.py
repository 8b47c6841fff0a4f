"""The API answers as its OpenAPI schema says (schemathesis over every operation of /api/v1/).

The schema is the one the app serves (drf-spectacular, generated here the same way); the app is the whole Django
stack (every middleware, real authentication over HTTP Basic, the real database) called in-process through
WSGI, inside the test's transaction. Each operation is run as a signed-in one-stop officer, citizen and monitor
and as an anonymous client, over seeded data: a path's ``{code}``, ``{plan_id}``, ``{report_id}`` is sometimes a
real object (so the success answers are checked too) and otherwise generated (so the 404s are). Positive data
(valid by the schema) and negative data (invalid by it) are generated, seeded and bounded (``EXAMPLES`` a
case), and every answer must pass:

- not_a_server_error: never a 5xx (a 503 only when the database is down, never here);
- status_code_conformance: every status is documented;
- content_type_conformance and response_schema_conformance: the body is what the schema says;
- positive_data_acceptance: a request valid by the schema is not refused with a 400 — except the refusals
  named in ``BEYOND_THE_SCHEMA``, each a rule the schema cannot state (a code that must exist, two dates in
  order), allowed only with its own error code and fields.

Generated strings hold no NUL character: the request guard refuses NUL everywhere (400, tested in
test_request_guard.py), which no JSON schema can say of every string; generated Basic credentials may still
hold one (``EVERY_OPERATION``).

The committed schema (docs/openapi.yaml, written by ``make schema``) must equal the generated one.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import yaml
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from dvctt.accounts.models import Role, User
from dvctt.dossiers import services
from dvctt.dossiers.tests.conftest import GOOD_FORM, submission, vn

ROOT = Path(__file__).resolve().parents[3]
COMMITTED = ROOT / "docs" / "openapi.yaml"
PASSWORD = "x-Pass-1234"
EXAMPLES = 12
ROLES = ["officer", "citizen", "monitor", "anonymous"]


def settings_years() -> tuple[int, int]:
    from django.conf import settings

    return settings.DVCTT_DATE_MIN_YEAR, settings.DVCTT_DATE_MAX_YEAR


def generated_schema() -> dict[str, Any]:
    """What /api/v1/schema/ serves (the same generator and version, in the platform's language)."""
    from django.utils import translation

    with translation.override("vi"):
        return SchemaGenerator(api_version="1").get_schema(request=None, public=True)


RAW = generated_schema()
SCHEMA = schemathesis.openapi.from_dict(
    json.loads(json.dumps(RAW, default=str)),
    config=schemathesis.Config.from_dict({"generation": {"allow-x00": False}}),
)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
APP = WSGIHandler()

# Dates are drawn from the years the request guard accepts, as each date parameter's pattern says (drawing any
# year and filtering by the pattern would throw most draws away).
schemathesis.openapi.format(
    "date", st.dates(date(settings_years()[0], 1, 1), date(settings_years()[1], 12, 31)).map(date.isoformat)
)
schemathesis.openapi.format(
    "date-time",
    st.datetimes(
        datetime(settings_years()[0], 1, 1), datetime(settings_years()[1], 12, 31), timezones=st.just(UTC)
    ).map(datetime.isoformat),
)

_PERIOD = "the period's first day comes before its last (a rule across two parameters)"
#: Refusals of schema-valid requests that are right, each a rule the schema cannot state:
#: {operation: {(error code, field it names, or None for any): the rule}}.
BEYOND_THE_SCHEMA: dict[str, dict[tuple[str, str | None], str]] = {
    "POST /api/v1/dossiers/": {
        ("unknown_procedure", None): "the procedure must exist and be in force on the day",
        ("unknown_unit", None): "the unit must carry out the procedure",
        ("not_online", None): "the procedure must be offered online for an online submission",
        (
            "invalid_channel",
            None,
        ): "citizens and businesses submit online only (the channel depends on the role)",
        # multipart/form-data (docs/api.md, "Submitting with documents"): a form part is text
        ("invalid", "form_data"): "in a multipart submission the e-form is a JSON text part (a string)",
        ("invalid", "reused_papers"): "in a multipart submission the reused papers are a JSON text part",
        ("invalid", "document_names"): "one component name per file: two lists of the same length",
        ("file_type", None): "a file's type is told by its name and its first bytes, not by the schema",
        ("file_empty", None): "a component file holds at least one byte",
    },
    "POST /api/v1/dossiers/{code}/actions/{action}/": {
        ("invalid", None): "the fields a move needs depend on the move named in the path",
        ("unknown_unit", None): "the units a dossier is forwarded to must exist",
    },
    "GET /api/v1/dossiers/{code}/slips/{kind}.pdf": {
        (
            "slip_not_applicable",
            None,
        ): "a slip exists only in the dossier's own set of forms and at its stage",
    },
    "GET /api/v1/registers/": {
        ("unknown_unit", "unit"): "the unit must exist",
        ("invalid_period", "from"): _PERIOD,
        ("invalid_period", "to"): "a register covers at most 366 days (a rule across two parameters)",
    },
    "GET /api/v1/kpi/": {("invalid", "from"): _PERIOD},
    "GET /api/v1/kpi/restatements/": {("invalid", "from"): _PERIOD},
    "GET /api/v1/reports/form06/": {("invalid", "from"): _PERIOD},
    "GET /api/v1/reports/form07a/": {("invalid", "from"): _PERIOD},
    "POST /api/v1/reports/stored/": {("invalid_period", "from"): _PERIOD},
    "GET /api/v1/scores/index/": {("invalid", "from"): _PERIOD},
    "GET /api/v1/scores/par/": {("invalid", None): "the year must have begun"},
    "GET /api/v1/outreach/activities/": {
        (
            "invalid",
            "from",
        ): "a period needs both its days, the first before the last (rules across parameters)"
    },
    "GET /api/v1/outreach/activities/counts/": {("invalid", "from"): _PERIOD},
    "POST /api/v1/outreach/activities/": {("invalid", "unit"): "the unit must exist"},
    # docs/guidance.md: rules of naming the official who guided an applicant
    "POST /api/v1/guidance/": {
        ("too_late", None): "an applicant names the official within a day of submitting",
        ("consent_required", "consent"): "recorded only with consent (the schema cannot ask for true)",
        ("invalid", "official_id"): "one of official_id and link_token is needed",
        ("not_official", "official_id"): "the official must exist and be an active official",
        ("link_expired", "link_token"): "the link must be an active official's",
        ("not_online", None): "only an online dossier the applicant filed",
        ("own_dossier", "official_id"): "never the official's own dossier",
    },
    "GET /api/v1/calendar/due": {
        ("invalid_deadline", "limit"): "a limit in days or working days is a whole number above 0 (by unit)",
        ("calendar_not_configured", None): "due times exist only within the years whose calendar is set up",
    },
}


def _refusal(response: Any) -> tuple[str, set[str]] | None:
    try:
        body = json.loads(response.content)
        return body["error"]["code"], set(body["error"].get("fields") or {})
    except (ValueError, KeyError, TypeError):
        return None


#: Refusals on every operation, as ``BEYOND_THE_SCHEMA``: schemathesis also draws HTTP Basic credentials for the
#: documented security scheme, as raw bytes, which may hold a NUL (refused like NUL anywhere else).
EVERY_OPERATION: dict[tuple[str, str | None], str] = {
    ("invalid_credentials", None): "credentials holding a NUL character are refused by the request guard",
}


def positive_data_acceptance_but_named_rules(ctx: Any, response: Any, case: Any) -> bool | None:
    """positive_data_acceptance, except a 400 that ``BEYOND_THE_SCHEMA`` names for this operation."""
    rules = {**EVERY_OPERATION, **BEYOND_THE_SCHEMA.get(case.operation.label, {})}
    refusal = _refusal(response) if response.status_code == 400 else None
    if refusal is not None:
        code, fields = refusal
        named = {field for (rule_code, field) in rules if rule_code == code}
        if named and (fields <= named or None in named):
            return None
    return positive_data_acceptance(ctx, response, case)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    positive_data_acceptance_but_named_rules,
]


@pytest.fixture
def wsgi_in_the_test_transaction() -> Iterator[None]:
    """Requests run in the test's transaction: Django must not close the connection after each (as its test
    client does, it stops listening to the request signals meanwhile)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Seeded once for the module, in a transaction rolled back at its end; each test runs in its own nested
    transaction (the ``db`` fixture), so each (operation, role) starts from the same data."""
    from django.db import transaction

    from dvctt.agencies.models import Unit, UnitLevel
    from dvctt.calendar.selectors import working_calendar_cache_clear
    from dvctt.calendar.services import calendar_year_seed
    from dvctt.catalog.services import procedure_version_create
    from dvctt.plans.services import plan_create
    from dvctt.reports.workflow import report_create

    with django_db_blocker.unblock(), transaction.atomic():
        for year in (2024, 2025, 2026):
            calendar_year_seed(year=year)
        working_calendar_cache_clear()
        unit = Unit.objects.create(
            code="000.00.12.H38", name="Sở Tư pháp", level=UnitLevel.DEPARTMENT, valid_from=date(2015, 1, 1)
        )
        procedure = procedure_version_create(
            code="1.001193",
            valid_from=date(2020, 1, 1),
            name="Đăng ký khai sinh",
            unit_codes=[unit.code],
            online_level=4,
            eligible_full_process=True,
            integrated_national=True,
            time_limit=3,
            time_limit_unit="ngay_lam_viec",
            result_is_document=True,
            eform=[
                {"name": "ho_ten_tre", "label": "Họ tên trẻ", "type": "text", "required": True},
                {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True},
            ],
            fees=[{"name": "Lệ phí đăng ký khai sinh", "amount": 8000}],
        )

        def person(username: str, role: str, **extra: Any) -> User:
            return User.objects.create_user(
                username=username, password=PASSWORD, role=role, full_name=username.title(), **extra
            )

        users = {
            "officer": person("motcua", Role.ONE_STOP_OFFICER, unit=unit),
            "citizen": person("congdan", Role.CITIZEN, national_id="020199001234"),
            "monitor": person("theodoi", Role.MONITOR),
        }
        received = services.dossier_receive(
            dossier_id=services.dossier_submit(
                actor=users["citizen"], submission=submission(unit), at=vn(2025, 3, 3, 8, 30)
            ).pk,
            actor=users["officer"],
            at=vn(2025, 3, 3, 9),
        )
        fresh = services.dossier_submit(
            actor=users["citizen"], submission=submission(unit), at=vn(2025, 3, 4, 8, 30)
        )
        plan = plan_create(
            name="Kế hoạch thử",
            decision_number="165/KH-UBND",
            decision_date=date(2023, 8, 2),
            start_year=2023,
            end_year=2025,
            signer="Phó Chủ tịch",
        )
        report = report_create(
            actor=users["monitor"], form="06", date_from=date(2025, 1, 1), date_to=date(2025, 3, 31)
        )
        yield {
            "users": {**users, "anonymous": None},
            "dossiers": [received.code, fresh.code],
            "unit": unit.code,
            "procedure": procedure.procedure.code,
            "plan": plan.pk,
            "report": report.pk,
        }
        transaction.set_rollback(True)
    working_calendar_cache_clear()


@pytest.fixture
def seeded(_seeded_once: dict[str, Any], db: Any) -> dict[str, Any]:
    return _seeded_once


def real_path_values(operation: Any, seeded: dict[str, Any]) -> list[dict[str, Any]]:
    """Path parameters naming seeded objects, for this operation."""
    path = operation.path
    if "{code}" in path:
        if path.startswith(("/api/v1/dossiers/", "/api/v1/track/")):
            return [{"code": code} for code in seeded["dossiers"]]
        if path.startswith("/api/v1/units/"):
            return [{"code": seeded["unit"]}]
        if path.startswith("/api/v1/procedures/"):
            return [{"code": seeded["procedure"]}]
    if "{plan_id}" in path:
        return [{"plan_id": seeded["plan"]}]
    if "{report_id}" in path:
        return [{"report_id": seeded["report"]}]
    return []


def with_real_references(case: Any, seeded: dict[str, Any]) -> Any:
    """A submission naming the seeded procedure and unit with a filled e-form; a register of the seeded unit."""
    if case.operation.label == "POST /api/v1/dossiers/" and isinstance(case.body, dict):
        case.body.update(procedure_code=seeded["procedure"], unit_code=seeded["unit"], form_data=GOOD_FORM)
        if (case.media_type or "").startswith("multipart/"):  # no documents: generated bytes are no real file
            case.body["form_data"] = json.dumps(GOOD_FORM)
            for part in ("documents", "document_names", "reused_papers"):
                case.body.pop(part, None)
    if case.operation.label == "GET /api/v1/registers/" and isinstance(case.query, dict):
        case.query["unit"] = seeded["unit"]
    return case


def strategy_for(operation: Any, seeded: dict[str, Any]) -> st.SearchStrategy:
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
        operation.as_strategy(GenerationMode.POSITIVE).map(lambda case: with_real_references(case, seeded)),
    ]
    for values in real_path_values(operation, seeded):
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=values))
    return st.one_of(strategies)


def basic_auth(user: User | None) -> dict[str, str]:
    if user is None:
        return {}
    token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_the_operation_answers_as_documented(operation, role, seeded, wsgi_in_the_test_transaction):
    headers = basic_auth(seeded["users"][role])

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        # Drawing a whole request from a large schema is slow by Hypothesis's measure; the run is bounded anyway.
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(case=strategy_for(operation, seeded))
    def answers_as_documented(case: Any) -> None:
        case.call_and_validate(app=APP, headers=headers, checks=CHECKS)

    answers_as_documented()


def test_every_operation_is_checked():
    """No operation slips out of the run (a schema that failed to load would give an empty list)."""
    documented = {f"{method.upper()} {path}" for path, item in RAW["paths"].items() for method in item}
    assert {operation.label for operation in OPERATIONS} == documented
    assert "POST /api/v1/dossiers/" in documented and len(documented) >= 29


def test_the_served_schema_is_the_generated_one(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert json.loads(response.content) == json.loads(json.dumps(RAW, default=str))


def test_the_committed_schema_is_the_generated_one():
    rendered = OpenApiYamlRenderer().render(RAW, renderer_context={}).decode()
    assert COMMITTED.exists(), "docs/openapi.yaml is missing: run `make schema`"
    assert yaml.safe_load(COMMITTED.read_text(encoding="utf-8")) == yaml.safe_load(rendered), (
        "docs/openapi.yaml differs from the API: run `make schema` and commit the result"
    )
