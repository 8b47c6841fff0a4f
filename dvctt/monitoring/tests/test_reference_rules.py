"""Each rule of spec/indicators.md on tiny hand-made records, plus properties over generated ones."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from dvctt.interchange import (
    Agency,
    Dossier,
    Fee,
    Interchange,
    Official,
    ProcedureVersion,
    ResultDocument,
    Supplement,
)
from dvctt.monitoring.reference import (
    Catalogue,
    compute_index_scores,
    compute_kpis,
    is_late,
    ratio_value,
    round_half_up,
    round_half_up_float,
)

JAN = (date(2025, 1, 1), date(2025, 1, 31))
PERIOD_END = datetime(2025, 2, 1)


def agency(code="U1", **kw) -> Agency:
    return Agency(
        code=code, name=kw.pop("name", code), valid_from=kw.pop("valid_from", date(2000, 1, 1)), **kw
    )


def procedure(code="T1", **kw) -> ProcedureVersion:
    values = {
        "name": code,
        "units": ("U1",),
        "level": 4,
        "full_process_eligible": 1,
        "national_portal": 1,
        "valid_from": date(2000, 1, 1),
        "result_is_document": 0,
    }
    values.update(kw)
    return ProcedureVersion(code=code, **values)


_counter = iter(range(1, 10**9))


def dossier(**kw) -> Dossier:
    values = {
        "code": f"D{next(_counter)}",
        "procedure_code": "T1",
        "unit_code": "U1",
        "channel": 1,
        "status": 2,
        "received_at": datetime(2025, 1, 10, 9, 0, 0),
    }
    values.update(kw)
    return Dossier(**values)


def kpis(dossiers=(), *, agencies=None, procedures=None, officials=(), period=JAN, mode="period"):
    data = Interchange(
        agencies=list(agencies if agencies is not None else [agency()]),
        procedures=list(procedures if procedures is not None else [procedure()]),
        officials=list(officials),
        dossiers=list(dossiers),
    )
    return compute_kpis(data, period[0], period[1], mode)


def figure(result, indicator, unit=None):
    scope = result["province"] if unit is None else result["units"][unit]
    item = scope[indicator]
    return item["numerator"], item["denominator"], item["value"]


# Rounding


def test_rounding_is_half_up_from_the_exact_fraction():
    assert round_half_up(Fraction(2, 64)) == Decimal("0.0313")  # 0.03125, a float would give 0.0312
    assert round_half_up(Fraction(1, 3)) == Decimal("0.3333")
    assert round_half_up(Fraction(2, 3)) == Decimal("0.6667")
    assert round_half_up(Fraction(1, 20000)) == Decimal("0.0001")
    assert round_half_up(Fraction(1, 20001)) == Decimal("0.0000")


@settings(max_examples=500)
@given(st.integers(-(10**12), 10**12), st.integers(1, 10**9))
def test_the_float_rounding_is_the_decimal_rounding_as_a_float(numerator, denominator):
    # the scores' fast path gives the very float the Decimal would (ties and negatives included)
    value = Fraction(numerator, denominator)
    assert round_half_up_float(value) == float(round_half_up(value))
    # and a KPI value from its two counts is that rounding of their exact quotient, whatever their signs
    assert ratio_value(numerator, denominator) == float(round_half_up(value))
    assert ratio_value(-numerator, -denominator) == float(round_half_up(value))


def test_value_rounds_2_of_64_to_0_0313_and_is_null_without_denominator():
    # given 64 received dossiers, 2 of them online
    dossiers = [dossier(channel=2) for _ in range(2)] + [dossier() for _ in range(62)]
    # when
    result = kpis(dossiers)
    # then
    assert figure(result, "online_dossier_rate") == (2, 64, 0.0313)
    assert figure(result, "online_payment_rate") == (0, 0, None)


# Sets R, C and exclusions


def test_received_uses_the_half_open_period_and_excludes_test_and_child_dossiers():
    dossiers = [
        dossier(received_at=datetime(2025, 1, 1, 0, 0, 0)),  # first second: in
        dossier(received_at=datetime(2025, 1, 31, 23, 59, 59)),  # last second: in
        dossier(received_at=datetime(2025, 2, 1, 0, 0, 0)),  # period end: out
        dossier(received_at=datetime(2024, 12, 31, 23, 59, 59)),  # out
        dossier(is_test=1),
        dossier(parent_code="D-PARENT"),
        dossier(parent_code=""),  # an empty code is no parent: counted
        dossier(received_at=None, status=1),
    ]
    assert figure(kpis(dossiers), "sync_rate")[1] == 3


def test_completed_needs_status_9_or_10_and_processing_end_in_period_without_fallback():
    paper = procedure(result_is_document=1)
    link = (ResultDocument(name="KQ", link="/kq.pdf"),)
    dossiers = [
        dossier(status=9, processing_ended_at=datetime(2025, 1, 12), result_documents=link),
        dossier(status=10, processing_ended_at=datetime(2025, 1, 12)),
        dossier(status=10, processing_ended_at=None, returned_at=datetime(2025, 1, 12)),  # no fallback
        dossier(status=8, processing_ended_at=datetime(2025, 1, 12)),  # stopped: not completed
        dossier(status=9, processing_ended_at=datetime(2025, 2, 1)),  # after the period
    ]
    assert figure(kpis(dossiers, procedures=[paper]), "e_result_rate") == (1, 2, 0.5)


def test_completed_does_not_ask_when_the_dossier_was_received():
    # Inconsistent data: processed in January, received in February. C is "status 9/10 and NgayKetThucXuLy
    # inside the period" and nothing more, so it counts for January's e-result rate (the procedure at receipt).
    paper = procedure(result_is_document=1)
    link = (ResultDocument(name="KQ", link="/kq.pdf"),)
    late_receipt = dossier(
        status=9,
        received_at=datetime(2025, 2, 3, 9),
        processing_ended_at=datetime(2025, 1, 20),
        result_documents=link,
    )
    result = kpis([late_receipt], procedures=[paper])
    assert figure(result, "e_result_rate") == (1, 1, 1.0)
    assert figure(result, "online_dossier_rate") == (0, 0, None)  # not received in January


def test_electronic_result_link_counts_only_when_non_blank():
    paper = procedure(result_is_document=1)
    ended = {"status": 9, "processing_ended_at": datetime(2025, 1, 12)}
    dossiers = [
        dossier(**ended, result_documents=(ResultDocument(link="   "),)),
        dossier(**ended, result_documents=(ResultDocument(link=None), ResultDocument(link=" x "))),
        dossier(**ended, result_documents=()),
    ]
    assert figure(kpis(dossiers, procedures=[paper]), "e_result_rate") == (1, 3, 0.3333)


def test_digitisation_excludes_completed_paper_results_without_electronic_result():
    paper = procedure(result_is_document=1)
    completed = {"status": 10, "processing_ended_at": datetime(2025, 1, 12)}
    dossiers = [
        dossier(digitised_components=1),
        dossier(digitised_components=1, **completed),  # completed, no e-result: excluded
        dossier(digitised_components=1, **completed, result_documents=(ResultDocument(link="/a"),)),
        dossier(digitised_components=0),
        dossier(digitised_components=None),
    ]
    assert figure(kpis(dossiers, procedures=[paper]), "digitisation_rate") == (2, 5, 0.4)


def test_payment_counts_fees_above_zero_missing_price_as_zero():
    dossiers = [
        dossier(fees=(Fee(amount=20000),), paid_online=1),
        dossier(fees=(Fee(amount=10),), paid_online=2),
        dossier(fees=(Fee(amount=10),), paid_online=0),
        dossier(fees=(Fee(amount=None), Fee(amount=0)), paid_online=1),  # sum 0: not in the denominator
        dossier(fees=None, paid_online=1),
    ]
    assert figure(kpis(dossiers), "online_payment_rate") == (2, 3, 0.6667)


# Procedure versions


def test_procedure_versions_and_abolition():
    versions = [
        procedure(level=2, valid_from=date(2020, 1, 1)),
        procedure(level=4, valid_from=date(2025, 1, 15)),
        procedure(code="T2", valid_from=date(2020, 1, 1), valid_to=date(2025, 1, 20)),
    ]
    catalogue = Catalogue(versions)
    assert catalogue.at("T1", date(2019, 12, 31)) is None  # before the first version
    assert catalogue.at("T1", date(2025, 1, 14)).level == 2
    assert catalogue.at("T1", date(2025, 1, 15)).level == 4
    assert catalogue.at("T2", date(2025, 1, 20)) is not None  # the last day is in force
    assert catalogue.at("T2", date(2025, 1, 21)) is None  # abolished after it
    assert catalogue.at("T9", date(2025, 1, 1)) is None


def test_abolition_on_an_earlier_version_ends_the_procedure_for_later_versions_too():
    catalogue = Catalogue(
        [
            procedure(valid_from=date(2020, 1, 1), valid_to=date(2024, 6, 30)),
            procedure(valid_from=date(2024, 1, 1)),
        ]
    )
    assert catalogue.at("T1", date(2024, 3, 1)).valid_from == date(2024, 1, 1)
    assert catalogue.at("T1", date(2024, 7, 1)) is None


def test_online_processing_uses_the_version_at_receipt_and_services_the_version_on_to():
    versions = [procedure(level=2), procedure(level=3, valid_from=date(2025, 1, 15))]
    dossiers = [
        dossier(channel=2, received_at=datetime(2025, 1, 10)),  # not online at receipt
        dossier(channel=2, received_at=datetime(2025, 1, 20)),
        dossier(channel=1, received_at=datetime(2025, 1, 21)),
    ]
    result = kpis(dossiers, procedures=versions)
    assert figure(result, "online_processing_rate") == (1, 2, 0.5)
    # one pair (U1, T1), offered online on `to`, with an online dossier
    assert figure(result, "services_with_online_dossiers_rate") == (1, 1, 1.0)


def test_services_pairs_need_not_be_listed_in_the_procedure_units_and_count_once_per_unit():
    dossiers = [
        dossier(unit_code="U2", channel=1),
        dossier(unit_code="U2", channel=1),
        dossier(unit_code="U1", channel=2),
        dossier(unit_code="U1", channel=1),
    ]
    result = kpis(dossiers, agencies=[agency("U1"), agency("U2")])
    assert figure(result, "services_with_online_dossiers_rate") == (1, 2, 0.5)
    assert figure(result, "services_with_online_dossiers_rate", "U2") == (0, 1, 0.0)


def test_catalogue_counts_versions_on_to_per_unit_and_each_procedure_once_for_the_province():
    versions = [
        procedure("T1", units=("U1", "U2"), level=4, national_portal=1),
        procedure("T2", units=("U1",), level=4, national_portal=0),
        procedure("T3", units=("U2",), level=3, full_process_eligible=1),
        procedure("T4", units=("U2",), full_process_eligible=0, valid_from=date(2025, 2, 1)),  # after `to`
    ]
    result = kpis(procedures=versions, agencies=[agency("U1"), agency("U2")])
    assert figure(result, "national_portal_integration_rate") == (1, 2, 0.5)
    assert figure(result, "full_process_coverage") == (2, 3, 0.6667)
    assert figure(result, "full_process_coverage", "U2") == (1, 2, 0.5)
    assert figure(result, "national_portal_integration_rate", "U1") == (1, 2, 0.5)


# P and late


def test_to_process_ending_rules_with_ngaytra_fallback():
    dossiers = [
        dossier(received_at=datetime(2024, 12, 1)),  # carried over, open: in P
        dossier(
            received_at=datetime(2024, 12, 1), status=10, processing_ended_at=datetime(2024, 12, 31, 23)
        ),  # out
        dossier(
            received_at=datetime(2024, 12, 1), status=10, returned_at=datetime(2024, 12, 31)
        ),  # NgayTra: out
        dossier(
            received_at=datetime(2024, 12, 1), status=10, returned_at=datetime(2025, 1, 1)
        ),  # ended in: in
        dossier(received_at=datetime(2024, 12, 1), status=10),  # neither time: not ended, in
        dossier(
            received_at=datetime(2024, 12, 1), status=4, processing_ended_at=datetime(2024, 12, 2)
        ),  # 4: in
        dossier(received_at=datetime(2025, 2, 1)),  # received at the period end: out
        # NgayKetThucXuLy wins over NgayTra when both exist
        dossier(
            received_at=datetime(2024, 12, 1),
            status=9,
            processing_ended_at=datetime(2025, 1, 2),
            returned_at=datetime(2024, 12, 30),
        ),
    ]
    assert figure(kpis(dossiers), "on_time_rate")[1] == 5


def test_late_rule_1_more_than_one_supplement_is_late_even_without_appointment():
    two = (Supplement(datetime(2025, 1, 11), datetime(2025, 1, 12)),) * 2
    assert is_late(dossier(supplements=two, due_at=None), None, PERIOD_END)


def test_late_rule_2_no_appointment_is_not_late():
    assert not is_late(dossier(due_at=None), None, PERIOD_END)


def test_late_rule_3_judged_at_the_end_or_the_period_end():
    due = datetime(2025, 1, 15, 17, 0, 0)
    assert not is_late(dossier(due_at=due), datetime(2025, 1, 15, 17, 0, 0), PERIOD_END)  # to the second
    assert is_late(dossier(due_at=due), datetime(2025, 1, 15, 17, 0, 1), PERIOD_END)
    assert is_late(dossier(due_at=due), None, PERIOD_END)  # open: judged at the period end
    assert not is_late(dossier(due_at=datetime(2025, 2, 1)), None, PERIOD_END)
    # ended after the period end: judged at the period end
    assert not is_late(dossier(due_at=datetime(2025, 2, 1)), datetime(2025, 3, 1), PERIOD_END)


def test_late_rule_3_supplement_waiting_at_judging_time_moves_it_to_the_request():
    due = datetime(2025, 1, 20)
    waiting = (Supplement(requested_at=datetime(2025, 1, 15), completed_at=None),)
    assert not is_late(dossier(due_at=due, supplements=waiting), None, PERIOD_END)
    # completed only after the judging time: still waiting at it
    later = (Supplement(requested_at=datetime(2025, 1, 15), completed_at=datetime(2025, 2, 5)),)
    assert not is_late(dossier(due_at=due, supplements=later), None, PERIOD_END)
    # asked after the due time and still waiting: judged at the request, late
    asked_late = (Supplement(requested_at=datetime(2025, 1, 25), completed_at=None),)
    assert is_late(dossier(due_at=due, supplements=asked_late), None, PERIOD_END)


def test_late_rule_4_and_5_paused_time_is_deducted():
    due = datetime(2025, 1, 20, 12, 0, 0)
    pause = (Supplement(requested_at=datetime(2025, 1, 10, 12), completed_at=datetime(2025, 1, 15, 12)),)
    # ended 5 days after due, paused exactly 5 days: not late; one second more: late
    assert not is_late(dossier(due_at=due, supplements=pause), datetime(2025, 1, 25, 12, 0, 0), PERIOD_END)
    assert is_late(dossier(due_at=due, supplements=pause), datetime(2025, 1, 25, 12, 0, 1), PERIOD_END)


def test_guidance_before_receipt_is_no_supplement_request():
    # given a dossier received on 10/01 09:00 whose applicant was guided twice before it was accepted
    due = datetime(2025, 1, 20, 12, 0, 0)
    guidance = (
        Supplement(requested_at=datetime(2025, 1, 5), completed_at=datetime(2025, 1, 9)),
        Supplement(requested_at=datetime(2025, 1, 9, 8), completed_at=datetime(2025, 1, 10, 8, 59, 59)),
    )
    # then two entries make no "more than one request" (rule 1), and the four days of guidance pause nothing
    assert not is_late(dossier(due_at=due, supplements=guidance), datetime(2025, 1, 20, 12), PERIOD_END)
    assert is_late(dossier(due_at=due, supplements=guidance), datetime(2025, 1, 20, 12, 0, 1), PERIOD_END)
    # and with one real request after receipt, only that request's pause is deducted and it is not rule 1
    asked = Supplement(requested_at=datetime(2025, 1, 10, 9), completed_at=datetime(2025, 1, 11, 9))
    both = (*guidance, asked)
    assert not is_late(dossier(due_at=due, supplements=both), datetime(2025, 1, 21, 12), PERIOD_END)
    assert is_late(dossier(due_at=due, supplements=both), datetime(2025, 1, 21, 12, 0, 1), PERIOD_END)
    # and guidance still waiting at the judging time does not move it to the request
    waiting = (Supplement(requested_at=datetime(2025, 1, 9), completed_at=None),)
    assert is_late(dossier(due_at=due, supplements=waiting), None, PERIOD_END)
    # an entry asked at the very second of receipt is a request (at or after NgayTiepNhan)
    at_receipt = (Supplement(requested_at=datetime(2025, 1, 10, 9), completed_at=None),)
    assert not is_late(dossier(due_at=due, supplements=at_receipt), None, PERIOD_END)


def test_guidance_before_receipt_moves_no_indicator():
    # given the same dossier with and without guidance entries before its receipt
    due = datetime(2025, 1, 11, 12)
    plain = dossier(due_at=due, processing_ended_at=datetime(2025, 1, 12), status=9)
    guided = dossier(
        due_at=due,
        processing_ended_at=datetime(2025, 1, 12),
        status=9,
        supplements=(
            Supplement(requested_at=datetime(2025, 1, 2), completed_at=datetime(2025, 1, 8)),
            Supplement(requested_at=datetime(2025, 1, 8, 10), completed_at=datetime(2025, 1, 9)),
        ),
    )
    # then every figure is the same (late both: the pause of guidance does not excuse the day over)
    assert kpis([guided]) == kpis([plain])
    assert figure(kpis([guided]), "on_time_rate") == (0, 1, 0.0)


def test_on_time_and_satisfaction_from_late_and_complaints():
    dossiers = [
        dossier(due_at=datetime(2025, 1, 11), complained=1),  # open, late at the period end
        dossier(due_at=datetime(2025, 3, 1)),
        dossier(due_at=datetime(2025, 3, 1)),
        dossier(due_at=datetime(2025, 3, 1)),
    ]
    result = kpis(dossiers)
    assert figure(result, "on_time_rate") == (3, 4, 0.75)
    assert figure(result, "satisfaction_rate") == (None, None, 0.5)  # 1 − 1/4 − 1/4


def test_satisfaction_floor_zero_zero_denominators_and_null():
    assert figure(kpis([]), "satisfaction_rate") == (None, None, None)
    # P without R: carried over, late and complained; the R term counts 0
    old = dossier(received_at=datetime(2024, 12, 1), due_at=datetime(2024, 12, 2), complained=1)
    assert figure(kpis([old]), "satisfaction_rate") == (None, None, 0.0)
    not_late = dossier(received_at=datetime(2024, 12, 1), due_at=datetime(2025, 5, 1), complained=1)
    assert figure(kpis([not_late]), "satisfaction_rate") == (None, None, 1.0)


# Officials


def test_officials_in_post_on_to_and_online_applicants_with_submission_fallback():
    officials = [
        Official(national_id="A", unit_code="U1", valid_from=date(2020, 1, 1), valid_to=date(2025, 1, 31)),
        Official(national_id="A", unit_code="U1", valid_from=date(2010, 1, 1)),  # same person: once per unit
        Official(national_id="B", unit_code="U1", valid_from=date(2025, 1, 31)),  # first day is `to`
        Official(
            national_id="C", unit_code="U1", valid_from=date(2020, 1, 1), valid_to=date(2025, 1, 30)
        ),  # left
        Official(national_id="D", unit_code="U1", valid_from=date(2020, 1, 1)),
        Official(national_id="E", unit_code="U1", valid_from=date(2020, 1, 1)),
    ]
    dossiers = [
        dossier(applicant_id="A", channel=2, submitted_at=datetime(2025, 1, 3), status=3, received_at=None),
        # no submission time: NgayTiepNhan decides (in the period)
        dossier(
            applicant_id="B", channel=2, submitted_at=None, received_at=datetime(2025, 1, 5), unit_code="U9"
        ),
        dossier(applicant_id="D", channel=1, submitted_at=datetime(2025, 1, 3)),  # not online
        dossier(
            applicant_id="E", channel=2, submitted_at=datetime(2024, 12, 31), received_at=datetime(2025, 1, 2)
        ),
        dossier(applicant_id="C", channel=2, submitted_at=datetime(2025, 1, 3)),
    ]
    assert figure(kpis(dossiers, officials=officials), "official_usage_rate", "U1") == (2, 4, 0.5)


# Units and folding


def test_period_units_are_those_existing_on_some_day_of_the_period():
    agencies = [
        agency("OLD", valid_to=date(2024, 12, 31)),
        agency("LAST", valid_to=date(2025, 1, 1)),
        agency("NEW", valid_from=date(2025, 1, 31)),
        agency("LATER", valid_from=date(2025, 2, 1)),
    ]
    dossiers = [dossier(unit_code="OLD")]
    result = kpis(dossiers, agencies=agencies)
    assert sorted(result["units"]) == ["LAST", "NEW"]
    assert figure(result, "sync_rate")[1] == 1  # the province still counts OLD's dossier


def test_current_units_fold_along_successor_chains():
    agencies = [
        agency("A", valid_to=date(2025, 1, 10), successor_code="B"),
        agency("B", valid_to=date(2025, 6, 30), successor_code="C"),
        agency("C"),
        agency("X", valid_to=date(2025, 1, 10)),  # ended without successor: province only
        agency("Y", valid_to=date(2025, 1, 10), successor_code="Z"),  # chain ends at an ended unit
        agency("Z", valid_to=date(2025, 1, 10)),
        agency("FUTURE", valid_from=date(2026, 1, 1)),  # has not ended: listed though not in the period
        agency("P1", valid_to=date(2025, 1, 10), successor_code="P2"),  # a cycle
        agency("P2", valid_to=date(2025, 1, 10), successor_code="P1"),
        agency("LATER_END", valid_to=date(2030, 1, 1), successor_code="C"),  # ended, whatever the date
    ]
    dossiers = [dossier(unit_code=code, channel=2) for code in ("A", "B", "C", "X", "Y", "P1", "LATER_END")]
    dossiers.append(dossier(unit_code="A"))
    result = kpis(dossiers, agencies=agencies, mode="current")
    assert sorted(result["units"]) == ["C", "FUTURE"]
    assert figure(result, "online_dossier_rate", "C") == (4, 5, 0.8)
    assert figure(result, "online_dossier_rate") == (7, 8, 0.875)
    assert figure(result, "satisfaction_rate", "FUTURE") == (None, None, None)


def test_current_folding_adds_without_deduplicating():
    agencies = [agency("A", valid_to=date(2025, 1, 10), successor_code="C"), agency("C")]
    versions = [procedure(units=("A", "C"))]
    officials = [
        Official(national_id="S", unit_code="A", valid_from=date(2020, 1, 1)),
        Official(national_id="S", unit_code="C", valid_from=date(2020, 1, 1)),
    ]
    result = kpis(agencies=agencies, procedures=versions, officials=officials, mode="current")
    assert figure(result, "full_process_coverage", "C") == (2, 2, 1.0)
    assert figure(result, "official_usage_rate", "C") == (0, 2, 0.0)
    assert figure(result, "full_process_coverage") == (1, 1, 1.0)  # the province counts the procedure once


def test_output_shape():
    result = kpis([dossier()])
    assert set(result) == {"from", "to", "province", "units"}
    assert (result["from"], result["to"]) == ("2025-01-01", "2025-01-31")
    assert len(result["province"]) == 12
    assert set(result["units"]["U1"]) == set(result["province"])


# Index scores


def test_index_scores_use_points_and_thresholds():
    figures = {
        "sync_rate": {"numerator": 1, "denominator": 2, "value": 0.5},  # P 6, T 1 → 3
        "digitisation_rate": {"numerator": 9, "denominator": 10, "value": 0.9},  # P 4, T 0.8 → capped 4
        "satisfaction_rate": {"numerator": None, "denominator": None, "value": 0.45},  # P 6, T 0.9 → 3
        "on_time_rate": {"numerator": 0, "denominator": 0, "value": None},
    }
    scores = compute_index_scores({"province": figures, "units": {}})["province"]
    assert scores["indicators"]["sync_rate"]["score"] == 3.0
    assert scores["indicators"]["digitisation_rate"]["score"] == 4.0
    assert scores["indicators"]["satisfaction_rate"]["score"] == 3.0
    assert scores["indicators"]["on_time_rate"]["score"] is None
    assert scores["total"] == 10.0


# Properties

_units = st.sampled_from(["U1", "U2", "U3"])
_times = st.datetimes(min_value=datetime(2024, 11, 1), max_value=datetime(2025, 3, 1)).map(
    lambda t: t.replace(microsecond=0)
)
_dossiers = st.builds(
    Dossier,
    code=st.uuids().map(str),
    procedure_code=st.sampled_from(["T1", "T2", "T3"]),
    unit_code=_units,
    channel=st.integers(1, 3),
    status=st.integers(1, 10),
    received_at=st.none() | _times,
    submitted_at=st.none() | _times,
    due_at=st.none() | _times,
    processing_ended_at=st.none() | _times,
    returned_at=st.none() | _times,
    applicant_id=st.sampled_from(["A", "B", None]),
    digitised_components=st.sampled_from([0, 1, None]),
    synced_national=st.sampled_from([0, 1]),
    complained=st.sampled_from([0, 1]),
    paid_online=st.sampled_from([0, 1, 2]),
    fees=st.none() | st.lists(st.builds(Fee, amount=st.none() | st.integers(0, 3)), max_size=2).map(tuple),
    result_documents=st.none()
    | st.lists(st.builds(ResultDocument, link=st.sampled_from(["", " ", "/x"])), max_size=2).map(tuple),
    supplements=st.none()
    | st.lists(st.builds(Supplement, requested_at=_times, completed_at=st.none() | _times), max_size=2).map(
        tuple
    ),
    is_test=st.sampled_from([None, 0, 1]),
    parent_code=st.sampled_from([None, None, None, "PARENT"]),
)
_versions = [
    procedure("T1", units=("U1", "U2"), result_is_document=1),
    procedure("T2", units=("U3",), level=2, valid_from=date(2024, 12, 20)),
    procedure("T2", units=("U3",), level=3, valid_from=date(2025, 1, 20), result_is_document=1),
    procedure("T3", units=("U1",), level=3, valid_to=date(2025, 1, 15)),
]
_officials = [
    Official(national_id="A", unit_code="U1", valid_from=date(2020, 1, 1)),
    Official(national_id="B", unit_code="U2", valid_from=date(2020, 1, 1)),
    Official(national_id="A", unit_code="U3", valid_from=date(2020, 1, 1)),
]
_agencies = [agency("U1"), agency("U2"), agency("U3", valid_to=date(2025, 1, 20), successor_code="U1")]


@settings(max_examples=60, deadline=None)
@given(st.lists(_dossiers, max_size=40))
def test_province_is_the_sum_of_units_and_values_lie_in_0_1(dossiers):
    result = kpis(dossiers, agencies=_agencies, procedures=_versions, officials=_officials)
    catalogue = {"full_process_coverage", "national_portal_integration_rate"}
    for code, item in result["province"].items():
        if code == "satisfaction_rate" or code in catalogue:
            continue
        for part in ("numerator", "denominator"):
            assert item[part] == sum(unit[code][part] for unit in result["units"].values()), (code, part)
    for scope in [result["province"], *result["units"].values()]:
        for code, item in scope.items():
            assert item["value"] is None or 0 <= item["value"] <= 1, code
            if code != "satisfaction_rate":
                assert 0 <= item["numerator"] <= item["denominator"]
                assert (item["value"] is None) == (item["denominator"] == 0)


@settings(max_examples=40, deadline=None)
@given(st.lists(_dossiers, max_size=40))
def test_current_mode_folds_everything_into_surviving_units_and_keeps_the_province(dossiers):
    period = kpis(dossiers, agencies=_agencies, procedures=_versions, officials=_officials)
    current = kpis(dossiers, agencies=_agencies, procedures=_versions, officials=_officials, mode="current")
    assert current["province"] == period["province"]
    assert sorted(current["units"]) == ["U1", "U2"]
    for code in (
        "online_dossier_rate",
        "on_time_rate",
        "official_usage_rate",
        "services_with_online_dossiers_rate",
    ):
        folded = current["units"]["U1"][code]["denominator"]
        assert (
            folded == period["units"]["U1"][code]["denominator"] + period["units"]["U3"][code]["denominator"]
        )
