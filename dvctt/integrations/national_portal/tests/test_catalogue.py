"""The national catalogue pull against the sandbox (its own process, both transports), and its review."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from dvctt.accounts.models import Role, User
from dvctt.catalog.models import Procedure, ProcedureVersion
from dvctt.catalog.selectors import procedure_version_at
from dvctt.catalog.services import procedure_version_create
from dvctt.common.errors import DomainError
from dvctt.integrations.national_portal.catalogue import CatalogueClient, CatalogueUnavailable
from dvctt.integrations.national_portal.catalogue_review import (
    catalogue_change_accept,
    catalogue_change_reject,
    catalogue_pull,
)
from dvctt.integrations.national_portal.models import (
    CatalogueChange,
    CataloguePull,
    ChangeState,
    NationalProcedure,
    ProcedureCode,
)
from dvctt.integrations.national_portal.tests.conftest import Sandbox, point_at

URL = "/dvcqg/danh-muc/"
LOCAL_START = date(2024, 1, 1)


def point_catalogue_at(settings, sandbox: Sandbox, transport: str) -> None:
    point_at(settings, sandbox, transport)
    settings.DVCTT_NATIONAL_PORTAL_CATALOGUE_URL = sandbox.url + "/gateway/catalogue"
    settings.DVCTT_NATIONAL_PORTAL_CATALOGUE_DETAIL_URL = sandbox.url + "/gateway/catalogue/{code}"


@pytest.fixture(params=["adapter", "gateway"])
def catalogue_portal(request, settings, sandbox) -> Sandbox:
    point_catalogue_at(settings, sandbox, request.param)
    return sandbox


@pytest.fixture
def adapter_catalogue(settings, sandbox) -> Sandbox:
    point_catalogue_at(settings, sandbox, "adapter")
    return sandbox


def national(sandbox: Sandbox, op: str, **body: object) -> dict:
    answer = sandbox._post("/_control/catalogue", {"op": op, **body})
    assert answer["ok"], answer
    return answer


@pytest.fixture
def administrator(db) -> User:
    return User.objects.create_user(username="quantri", password="x-Pass-1234", role=Role.ADMIN)


@pytest.fixture
def local_catalogue(unit):
    """The province's catalogue beside the sandbox's four national procedures.

    1.001193 differs in name, limit, fees and legal basis; LOCAL.KH is 1.000894 (mapped) and equal to it;
    1.999999 is mapped but not on the national list; 9.000001 is a local procedure never listed.
    """
    birth = procedure_version_create(
        code="1.001193",
        valid_from=LOCAL_START,
        name="Đăng ký khai sinh",
        unit_codes=[unit.code],
        online_level=4,
        time_limit=3,
        fees=[{"name": "Lệ phí đăng ký khai sinh", "amount": 8000}],
    )
    marriage = procedure_version_create(
        code="LOCAL.KH",
        valid_from=LOCAL_START,
        name="Thủ tục đăng ký kết hôn",
        unit_codes=[unit.code],
        online_level=3,
        offers_postal=False,
        time_limit=1,
        legal_basis="60/2014/QH13 Luật Hộ tịch",
    )
    ProcedureCode.objects.create(procedure=marriage.procedure, code="1.000894")
    gone = procedure_version_create(
        code="1.999999", valid_from=LOCAL_START, name="Thủ tục đã bỏ", online_level=2
    )
    ProcedureCode.objects.create(procedure=gone.procedure, code="1.999999")
    procedure_version_create(code="9.000001", valid_from=LOCAL_START, name="Thủ tục riêng của tỉnh")
    return {"birth": birth, "marriage": marriage, "gone": gone}


def kinds() -> set[tuple[str, str]]:
    return set(CatalogueChange.objects.filter(state=ChangeState.PENDING).values_list("national_code", "kind"))


def test_the_client_lists_and_details_through_each_transport(catalogue_portal):
    client = CatalogueClient()
    listed = client.catalogue_list()
    assert {p["MATTHC"] for p in listed} == {"1.001193", "1.000894", "2.000908", "1.009994"}
    detail = client.catalogue_detail("1.001193")
    assert detail["TENTTHC"] == "Thủ tục đăng ký khai sinh"
    assert detail["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]["DONVITINH"] == "Ngày làm việc"
    with pytest.raises(CatalogueUnavailable, match="Không tìm thấy thủ tục"):
        client.catalogue_detail("0.000000")
    # the session or token is renewed when the portal drops it
    catalogue_portal.expire()
    assert len(client.catalogue_list()) == 4


def test_a_pull_records_each_kind_of_difference(catalogue_portal, local_catalogue):
    outcome = catalogue_pull(by="test")
    assert kinds() == {
        ("1.001193", "name"),
        ("1.001193", "time_limit"),
        ("1.001193", "fees"),
        ("1.001193", "legal_basis"),
        ("2.000908", "new"),
        ("1.009994", "new"),
        ("1.999999", "abolished"),
    }
    assert (outcome.listed, outcome.created, outcome.pending) == (4, 7, 7)
    limit = CatalogueChange.objects.get(national_code="1.001193", kind="time_limit")
    assert limit.old == {"limit": "3", "unit": "ngay_lam_viec", "by_channel": {}}
    assert limit.new == {"limit": "1", "unit": "ngay_lam_viec", "by_channel": {}}
    fees = CatalogueChange.objects.get(national_code="1.001193", kind="fees")
    assert fees.new == [{"name": "Lệ phí đăng ký khai sinh đúng hạn", "amount": 0}]
    assert NationalProcedure.objects.filter(listed=True).count() == 4


def test_a_channel_change_is_seen(adapter_catalogue, local_catalogue):
    # the portal adds the postal channel to 1.000894, which the province does not offer
    detail = national(adapter_catalogue, "get")["procedures"][1]
    assert detail["MATTHC"] == "1.000894"
    ways = detail["CACHTHUCTHUCHIEN"] + [{"KENH": "3", "THOIGIAN": detail["CACHTHUCTHUCHIEN"][0]["THOIGIAN"]}]
    national(adapter_catalogue, "update", code="1.000894", changes={"CACHTHUCTHUCHIEN": ways})
    catalogue_pull()
    change = CatalogueChange.objects.get(national_code="1.000894")
    assert (change.kind, change.old, change.new) == ("channels", ["1", "2"], ["1", "2", "3"])
    assert change.procedure == local_catalogue["marriage"].procedure


def test_pulling_again_does_not_duplicate_and_follows_the_portal(catalogue_portal, local_catalogue):
    catalogue_pull()
    first = set(CatalogueChange.objects.values_list("pk", flat=True))
    again = catalogue_pull()
    assert set(CatalogueChange.objects.values_list("pk", flat=True)) == first
    assert (again.created, again.updated, again.resolved) == (0, 0, 0)
    # the portal renames the procedure again: the pending item follows, no second one
    national(catalogue_portal, "update", code="1.001193", changes={"TENTTHC": "Đăng ký khai sinh (sửa đổi)"})
    # and withdraws a new procedure before anyone looked at it
    national(catalogue_portal, "remove", code="2.000908")
    third = catalogue_pull()
    assert (third.created, third.updated, third.resolved) == (0, 1, 1)
    name = CatalogueChange.objects.get(national_code="1.001193", kind="name", state=ChangeState.PENDING)
    assert name.new == "Đăng ký khai sinh (sửa đổi)"
    assert CatalogueChange.objects.get(national_code="2.000908").state == ChangeState.OBSOLETE
    assert CataloguePull.objects.count() == 3


def test_accepting_makes_a_new_dated_version(adapter_catalogue, local_catalogue, administrator):
    catalogue_pull()
    today = timezone.localdate()
    name = CatalogueChange.objects.get(national_code="1.001193", kind="name")
    accepted = catalogue_change_accept(change_id=name.pk, by=administrator)
    # the new version starts today, the earlier one ends the day before
    assert accepted.state == ChangeState.ACCEPTED and accepted.decided_by == administrator
    assert accepted.valid_from == today and accepted.decided_at is not None
    assert procedure_version_at(code="1.001193", on=today).name == "Thủ tục đăng ký khai sinh"
    yesterday = procedure_version_at(code="1.001193", on=today - timedelta(days=1))
    assert yesterday.name == "Đăng ký khai sinh" and yesterday.valid_from == LOCAL_START
    # the copy keeps everything else: units, fees, level
    current = accepted.version
    assert list(current.units.values_list("code", flat=True)) == ["000.00.12.H38"]
    assert list(current.fees.values_list("amount", flat=True)) == [8000]
    assert current.online_level == 4
    # a second change for the same day changes that version instead of adding a third
    fees = CatalogueChange.objects.get(national_code="1.001193", kind="fees")
    catalogue_change_accept(change_id=fees.pk, by=administrator, valid_from=today)
    limit = CatalogueChange.objects.get(national_code="1.001193", kind="time_limit")
    later = today + timedelta(days=10)
    catalogue_change_accept(change_id=limit.pk, by=administrator, valid_from=later)
    versions = list(ProcedureVersion.objects.filter(procedure__code="1.001193").order_by("valid_from"))
    assert [v.valid_from for v in versions] == [LOCAL_START, today, later]
    assert list(versions[1].fees.values_list("name", "amount")) == [("Lệ phí đăng ký khai sinh đúng hạn", 0)]
    assert versions[1].time_limit == 3 and versions[2].time_limit == 1
    assert versions[2].name == "Thủ tục đăng ký khai sinh"
    # nothing is offered again for what was accepted
    catalogue_pull()
    assert ("1.001193", "name") not in kinds() and ("1.001193", "fees") not in kinds()
    assert ("1.001193", "time_limit") not in kinds()
    with pytest.raises(DomainError, match="đã được xử lý"):
        catalogue_change_accept(change_id=name.pk, by=administrator)


def test_a_change_cannot_start_before_the_current_version(adapter_catalogue, local_catalogue, administrator):
    catalogue_pull()
    name = CatalogueChange.objects.get(national_code="1.001193", kind="name")
    with pytest.raises(DomainError, match="phải bắt đầu sau"):
        catalogue_change_accept(change_id=name.pk, by=administrator, valid_from=date(2023, 6, 1))
    assert CatalogueChange.objects.get(pk=name.pk).state == ChangeState.PENDING
    assert ProcedureVersion.objects.filter(procedure__code="1.001193").count() == 1


def test_rejecting_needs_a_reason_and_the_value_is_not_offered_again(
    adapter_catalogue, local_catalogue, administrator
):
    catalogue_pull()
    basis = CatalogueChange.objects.get(national_code="1.001193", kind="legal_basis")
    with pytest.raises(DomainError, match="lý do"):
        catalogue_change_reject(change_id=basis.pk, by=administrator, reason="  ")
    rejected = catalogue_change_reject(
        change_id=basis.pk, by=administrator, reason="Tỉnh đã cập nhật theo QĐ 12"
    )
    assert (rejected.state, rejected.reason, rejected.decided_by) == (
        ChangeState.REJECTED,
        "Tỉnh đã cập nhật theo QĐ 12",
        administrator,
    )
    catalogue_pull()
    assert ("1.001193", "legal_basis") not in kinds()
    # a different national value is a new difference
    national(adapter_catalogue, "update", code="1.001193", changes={"CANCUPHAPLY": "Luật Hộ tịch 2014"})
    catalogue_pull()
    assert ("1.001193", "legal_basis") in kinds()
    assert ProcedureVersion.objects.filter(procedure__code="1.001193").count() == 1


def test_an_abolished_procedure_ends_the_day_before(adapter_catalogue, local_catalogue, administrator):
    catalogue_pull()
    gone = CatalogueChange.objects.get(national_code="1.999999", kind="abolished")
    day = timezone.localdate() + timedelta(days=3)
    catalogue_change_accept(change_id=gone.pk, by=administrator, valid_from=day)
    version = local_catalogue["gone"]
    version.refresh_from_db()
    assert version.abolished_after == day - timedelta(days=1)
    assert procedure_version_at(code="1.999999", on=day) is None
    assert procedure_version_at(code="1.999999", on=day - timedelta(days=1)) is not None
    catalogue_pull()
    assert ("1.999999", "abolished") not in kinds()


def test_a_new_national_procedure_needs_its_unit(adapter_catalogue, local_catalogue, administrator, unit):
    catalogue_pull()
    new = CatalogueChange.objects.get(national_code="1.009994", kind="new")
    with pytest.raises(DomainError, match="Chọn đơn vị thực hiện"):
        catalogue_change_accept(change_id=new.pk, by=administrator)
    assert not Procedure.objects.filter(code="1.009994").exists()
    accepted = catalogue_change_accept(change_id=new.pk, by=administrator, unit_code=unit.code)
    version = accepted.version
    assert accepted.procedure == version.procedure
    assert (version.procedure.code, version.name) == (
        "1.009994",
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
    )
    assert (version.time_limit, version.time_limit_unit, version.online_level) == (15, "ngay", 3)
    assert version.level_province and not version.offers_postal and version.has_fees
    assert list(version.fees.values_list("amount", flat=True)) == [75000]
    assert version.field.code == "XD"
    assert version.components.first().name == "Đơn đề nghị cấp giấy phép xây dựng"
    assert "50/2014/QH13 Luật Xây dựng" in version.legal_basis
    catalogue_pull()
    assert not {k for k in kinds() if k[0] == "1.009994"}


def test_an_unreachable_portal_fails_clearly_and_writes_nothing(settings, sandbox, local_catalogue):
    point_catalogue_at(settings, sandbox, "gateway")
    sandbox.fault("5xx", times=20)
    with pytest.raises(CommandError) as failure:
        call_command("national_catalogue_pull")
    assert failure.value.returncode == 1
    assert "Không lấy được danh sách TTHC" in str(failure.value) and "HTTP 503" in str(failure.value)
    settings.DVCTT_NATIONAL_PORTAL_CATALOGUE_URL = "http://127.0.0.1:9/gateway/catalogue"
    with pytest.raises(CommandError, match="không kết nối được Cổng DVCQG"):
        call_command("national_catalogue_pull")
    assert not CataloguePull.objects.exists()
    assert not NationalProcedure.objects.exists() and not CatalogueChange.objects.exists()


def test_a_detail_that_fails_midway_writes_nothing(adapter_catalogue, local_catalogue):
    class Flaky(CatalogueClient):
        def catalogue_detail(self, code):
            if code == "2.000908":
                raise CatalogueUnavailable("Không lấy được chi tiết thủ tục 2.000908")
            return super().catalogue_detail(code)

    with pytest.raises(CatalogueUnavailable):
        catalogue_pull(client=Flaky())
    assert not CataloguePull.objects.exists() and not CatalogueChange.objects.exists()


def test_the_command_reports_what_it_found(adapter_catalogue, local_catalogue, capsys):
    call_command("national_catalogue_pull")
    assert "Đã lấy 4 thủ tục từ Cổng DVCQG: 7 khác biệt mới" in capsys.readouterr().out


def test_the_review_page_for_administrators_and_monitors(
    client, adapter_catalogue, local_catalogue, administrator, one_stop
):
    catalogue_pull()
    monitor = User.objects.create_user(username="theodoi", password="x-Pass-1234", role=Role.MONITOR)
    client.force_login(one_stop)
    assert client.get(URL).status_code == 403
    client.force_login(monitor)
    page = client.get(URL).content.decode()
    assert "Đăng ký khai sinh" in page and "Thủ tục đăng ký khai sinh" in page  # old → new
    assert "3 ngày làm việc" in page and "1 ngày làm việc" in page
    assert "Chấp nhận" not in page  # read-only
    name = CatalogueChange.objects.get(national_code="1.001193", kind="name")
    assert client.post(f"{URL}{name.pk}/chap-nhan/").status_code == 403
    client.force_login(administrator)
    page = client.get(URL).content.decode()
    assert page.count('name="valid_from"') == 7
    # a bad day and a missing reason are refused with a message, nothing written
    response = client.post(f"{URL}{name.pk}/chap-nhan/", {"valid_from": "31/02/2026"}, follow=True)
    assert "không hợp lệ" in response.content.decode()
    response = client.post(f"{URL}{name.pk}/tu-choi/", {"reason": ""}, follow=True)
    assert "Nhập lý do từ chối" in response.content.decode()
    assert CatalogueChange.objects.get(pk=name.pk).state == ChangeState.PENDING
    day = timezone.localdate() + timedelta(days=1)
    response = client.post(
        f"{URL}{name.pk}/chap-nhan/", {"valid_from": day.strftime("%d/%m/%Y")}, follow=True
    )
    assert "Đã chấp nhận" in response.content.decode()
    assert procedure_version_at(code="1.001193", on=day).name == "Thủ tục đăng ký khai sinh"
    done = client.get(URL, {"trang_thai": "accepted"}).content.decode()
    assert "quantri" in done and day.strftime("%d/%m/%Y") in done
    # the pull button runs the pull (the immediate task backend in tests)
    response = client.post(f"{URL}lay/", follow=True)
    assert "Đã lấy 4 thủ tục" in response.content.decode()


def test_the_review_page_reads_in_a_fixed_number_of_queries(
    client, adapter_catalogue, local_catalogue, administrator, django_assert_num_queries
):
    catalogue_pull()
    client.force_login(administrator)
    with django_assert_num_queries(5):  # session with user, changes, counts, last pull, units
        assert client.get(URL).status_code == 200
    national(adapter_catalogue, "set", procedure={"MATTHC": "3.000001", "TENTTHC": "Thủ tục thêm"})
    catalogue_pull()
    with django_assert_num_queries(5):  # one more difference, the same queries
        assert client.get(URL).status_code == 200


def test_the_sandbox_catalogue_loads_a_file_and_is_changed_through_control(tmp_path):
    from dvctt.integrations.national_portal.sandbox_catalogue import catalogue_load

    path = tmp_path / "catalogue.json"
    path.write_text('[{"MATTHC": "5.000001", "TENTTHC": "Một"}, {"MATTHC": "5.000002", "TENTTHC": "Hai"}]')
    catalogue = catalogue_load(path)
    assert [p["MATTHC"] for p in catalogue.listing()] == ["5.000001", "5.000002"]
    assert catalogue.control({"op": "remove", "code": "5.000001"})[0] == 200
    assert (
        catalogue.control({"op": "update", "code": "5.000002", "changes": {"TENTTHC": "Hai (sửa)"}})[0] == 200
    )
    assert catalogue.detail("5.000002") == (0, "Thành công", {"MATTHC": "5.000002", "TENTTHC": "Hai (sửa)"})
    assert catalogue.control({"op": "remove", "code": "9.9"})[0] == 400
    assert catalogue.control({"op": "frobnicate"})[0] == 400
    catalogue.reset()
    assert len(catalogue.listing()) == 2
    assert catalogue.detail("")[0] == -1
