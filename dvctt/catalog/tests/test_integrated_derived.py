"""The "integrated on the national portal" flag: derived from the configuration for live procedures, kept as
imported otherwise, and written as a new dated version when it changes on a version already in force."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from dvctt.catalog.models import ProcedureVersion
from dvctt.catalog.selectors import procedure_version_at
from dvctt.catalog.services import procedure_version_create, procedure_version_upsert_from_interchange
from dvctt.dossiers.services.sync import dossier_sync_mark
from dvctt.dossiers.tests.conftest import *  # noqa: F403 - the dossier fixtures
from dvctt.integrations.national_portal.integration import (
    integration_refresh_derived,
    integration_refresh_for_dossier,
    procedure_integration_check,
    procedure_integration_refresh,
)
from dvctt.integrations.national_portal.models import NationalProcedure, ProcedureCode

pytestmark = pytest.mark.django_db
START = date(2024, 1, 1)


def versions(code: str) -> list[tuple[date, bool, bool]]:
    return list(
        ProcedureVersion.objects.filter(procedure__code=code)
        .order_by("valid_from")
        .values_list("valid_from", "integrated_national", "integrated_derived")
    )


@pytest.fixture
def full_online(db) -> ProcedureVersion:
    return procedure_version_create(
        code="1.004227", valid_from=START, name="Cấp phép xây dựng", online_level=4
    )


def test_an_imported_flag_is_kept(settings):
    settings.DVCTT_NATIONAL_PORTAL_TRANSPORT = ""
    line = {
        "MaTTHC": "1.000001",
        "TenTTHC": "Thủ tục nhập",
        "MucDo": 4,
        "TichHopDVCQG": 1,
        "CoQuanThucHien": [],
        "HieuLucTu": "20240101",
    }
    version = procedure_version_upsert_from_interchange(line=line)
    assert (version.integrated_national, version.integrated_derived) == (True, False)
    # the periodic refresh leaves it alone, though the configuration alone would say no
    assert integration_refresh_derived() == 0
    assert versions("1.000001") == [(START, True, False)]
    assert not procedure_integration_check(procedure=version.procedure, online_level=4).integrated


def test_mapping_a_code_derives_the_flag_as_a_new_version_from_today(admin_client, settings, full_online):
    settings.DVCTT_NATIONAL_PORTAL_TRANSPORT = "adapter"
    today = timezone.localdate()
    response = admin_client.post(
        "/admin/national_portal/procedurecode/add/",
        {"procedure": full_online.procedure_id, "code": "1.004227"},
    )
    assert response.status_code == 302
    assert versions("1.004227") == [(START, False, False), (today, True, True)]
    # a past day keeps what it had: the indicator for yesterday does not move
    assert not procedure_version_at(code="1.004227", on=today - timedelta(days=1)).integrated_national
    assert procedure_version_at(code="1.004227", on=today).integrated_national
    # removing the mapping takes it back (same day: the same version changes)
    mapping = ProcedureCode.objects.get()
    admin_client.post(f"/admin/national_portal/procedurecode/{mapping.pk}/delete/", {"post": "yes"})
    assert versions("1.004227") == [(START, False, False), (today, False, True)]


def test_a_code_listed_by_the_national_catalogue_counts_as_mapped(settings, full_online):
    settings.DVCTT_NATIONAL_PORTAL_TRANSPORT = "gateway"
    check = procedure_integration_check(procedure=full_online.procedure, online_level=4)
    assert not check.integrated and "chưa gán mã TTHC quốc gia" in check.explain()
    now = timezone.now()
    NationalProcedure.objects.create(code="1.004227", name="x", first_seen=now, last_seen=now)
    check = procedure_integration_check(procedure=full_online.procedure, online_level=4)
    assert check.integrated
    assert "có trong danh mục TTHC của Cổng DVCQG" in check.explain()
    assert "kết nối đồng bộ Cổng DVCQG đang bật (gateway)" in check.explain()
    partial = procedure_integration_check(procedure=full_online.procedure, online_level=3)
    assert not partial.integrated and "chưa cung cấp trực tuyến toàn trình" in partial.explain()


def test_without_a_transport_the_first_acknowledgement_counts(settings, received):
    settings.DVCTT_NATIONAL_PORTAL_TRANSPORT = ""
    today = timezone.localdate()
    code = received.procedure.code
    assert versions(code) == [(date(2020, 1, 1), True, False)]  # as loaded (imported)
    ProcedureCode.objects.create(procedure=received.procedure, code=code)
    procedure_integration_refresh(procedure_id=received.procedure_id, adopt=True)
    # mapped and fully online, but no transport and nothing acknowledged: not integrated from today
    assert versions(code) == [(date(2020, 1, 1), True, False), (today, False, True)]
    dossier_sync_mark(dossier_id=received.pk, synced=True)
    integration_refresh_for_dossier(dossier_id=received.pk)
    assert versions(code) == [(date(2020, 1, 1), True, False), (today, True, True)]
    check = procedure_integration_check(procedure=received.procedure, online_level=4)
    assert "Cổng DVCQG đã xác nhận 1 hồ sơ đồng bộ" in check.explain()


def test_the_senders_acknowledged_batch_turns_the_flag_on(settings, received):
    from dvctt.integrations.national_portal.adapter import refresh_synced_dossiers

    settings.DVCTT_NATIONAL_PORTAL_TRANSPORT = ""
    today = timezone.localdate()
    code = received.procedure.code
    ProcedureCode.objects.create(procedure=received.procedure, code=code)
    procedure_integration_refresh(procedure_id=received.procedure_id, adopt=True)
    assert versions(code)[-1] == (today, False, True)
    # the batch's task after the portal acknowledged the dossier: the facts, and the procedure's flag
    dossier_sync_mark(dossier_id=received.pk, synced=True)
    refresh_synced_dossiers.call([received.pk])
    assert versions(code)[-1] == (today, True, True)


def test_a_transport_switched_on_is_picked_up_by_the_periodic_refresh(settings, full_online):
    settings.DVCTT_NATIONAL_PORTAL_TRANSPORT = ""
    ProcedureCode.objects.create(procedure=full_online.procedure, code="1.004227")
    procedure_integration_refresh(procedure_id=full_online.procedure_id, adopt=True)
    assert versions("1.004227") == [(START, False, True)]  # same value: only marked derived, no new version
    assert integration_refresh_derived() == 0
    settings.DVCTT_NATIONAL_PORTAL_TRANSPORT = "adapter"
    assert integration_refresh_derived() == 1
    assert versions("1.004227") == [(START, False, True), (timezone.localdate(), True, True)]


def test_a_future_version_is_changed_in_place(settings, full_online):
    settings.DVCTT_NATIONAL_PORTAL_TRANSPORT = "adapter"
    ProcedureCode.objects.create(procedure=full_online.procedure, code="1.004227")
    later = timezone.localdate() + timedelta(days=30)
    procedure_version_create(
        code="1.004227", valid_from=later, name="Cấp phép xây dựng (mới)", online_level=4
    )
    procedure_integration_refresh(procedure_id=full_online.procedure_id, adopt=True)
    today = timezone.localdate()
    assert versions("1.004227") == [(START, False, False), (today, True, True), (later, True, True)]


def test_the_admin_shows_the_flag_read_only_with_its_reason(admin_client, settings, full_online):
    settings.DVCTT_NATIONAL_PORTAL_TRANSPORT = ""
    page = admin_client.get(f"/admin/catalog/procedureversion/{full_online.pk}/change/").content.decode()
    assert 'name="integrated_national"' not in page  # no tick box
    assert "Giá trị nhập từ dữ liệu" in page and "chưa cấu hình kết nối đồng bộ" in page
    listing = admin_client.get("/admin/catalog/procedureversion/").content.decode()
    assert "mark_integrated" not in listing
