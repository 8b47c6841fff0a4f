"""Counter intake regardless of administrative boundaries (Decree 118/2025), over HTTP: the officer of commune A
chooses the competent commune for a boundary-free procedure; a procedure without the flag is not offered."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dvctt.accounts.models import Role
from dvctt.backoffice.tests.conftest import client_for
from dvctt.dossiers.models import Dossier, DossierEvent, DossierSequence
from dvctt.dossiers.states import Status
from dvctt.dossiers.tests.test_boundaries import (
    BOUNDARY_FREE,
    LOCAL_ONLY,
    make_commune,
    make_officer,
    make_version,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune_a(db):
    return make_commune("000.31.40.H38", "UBND xã Hoàng Văn Thụ")


@pytest.fixture
def commune_b(db):
    return make_commune("000.32.40.H38", "UBND xã Tân Thành")


@pytest.fixture
def commune_c(db):
    return make_commune("000.33.40.H38", "UBND xã Bắc Sơn")


@pytest.fixture
def officer_a(commune_a):
    return make_officer("motcua.a", Role.ONE_STOP_OFFICER, commune_a)


@pytest.fixture
def officer_b(commune_b):
    return make_officer("motcua.b", Role.ONE_STOP_OFFICER, commune_b)


@pytest.fixture
def boundary_free(calendar_seeded, commune_b, commune_c):
    return make_version(BOUNDARY_FREE, "Chứng thực bản sao từ bản chính", [commune_b, commune_c], flag=True)


@pytest.fixture
def local_only(calendar_seeded, commune_b):
    return make_version(LOCAL_ONLY, "Đăng ký kết hôn", [commune_b], flag=False)


def _form(token: str, code: str = BOUNDARY_FREE, **extra: str) -> dict[str, str]:
    return {
        "token": token,
        "thu_tuc": code,
        "kenh": "1",
        "loai_doi_tuong": "1",
        "ho_ten": "Lương Thị Hoa",
        "so_dinh_danh": "020190007777",
        **extra,
    }


def _nothing_written() -> None:
    assert Dossier.objects.count() == DossierEvent.objects.count() == DossierSequence.objects.count() == 0


def test_the_procedure_list_offers_boundary_free_procedures_of_other_units(
    officer_a, boundary_free, local_only
):
    # given commune A performs neither procedure
    html = client_for(officer_a).get(reverse("backoffice:intake")).content.decode()
    # then the boundary-free one is offered, marked, and the other is not
    assert f'value="{BOUNDARY_FREE}"' in html
    assert "tiếp nhận không phụ thuộc địa giới hành chính" in html
    assert f'value="{LOCAL_ONLY}"' not in html


def test_the_form_lets_the_officer_choose_the_competent_unit_by_name(
    officer_a, boundary_free, commune_b, commune_c
):
    client = client_for(officer_a)
    page = client.get(reverse("backoffice:intake"), {"thu_tuc": BOUNDARY_FREE})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="don_vi"' in html and "Đơn vị có thẩm quyền giải quyết" in html
    assert f'<option value="{commune_b.code}">UBND xã Tân Thành</option>' in html
    assert f'<option value="{commune_c.code}">UBND xã Bắc Sơn</option>' in html
    # the search narrows the list (case and diacritics ignored)
    found = client.get(reverse("backoffice:intake"), {"thu_tuc": BOUNDARY_FREE, "tim_don_vi": "tan thanh"})
    found_html = found.content.decode()
    assert f'value="{commune_b.code}"' in found_html and f'value="{commune_c.code}"' not in found_html
    # a search that matches nothing says so and keeps the whole list
    none = client.get(reverse("backoffice:intake"), {"thu_tuc": BOUNDARY_FREE, "tim_don_vi": "Lộc Bình"})
    none_html = none.content.decode()
    assert "Không có đơn vị nào có tên chứa" in none_html
    assert f'value="{commune_b.code}"' in none_html and f'value="{commune_c.code}"' in none_html


def test_intake_for_another_commune_is_received_forwarded_and_still_opened_by_the_receiver(
    officer_a, officer_b, boundary_free, commune_a, commune_b
):
    client = client_for(officer_a)
    # when A's officer records the walk-in for commune B
    response = client.post(reverse("backoffice:intake"), _form("b1", don_vi=commune_b.code))
    # then the dossier is B's, numbered by A, handed over, and A lands on its page
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.unit_id, dossier.receiving_unit_id) == (commune_b.pk, commune_a.pk)
    assert dossier.code.startswith(commune_a.code + "-")
    assert dossier.status == Status.PROCESSING
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "UBND xã Tân Thành" in html and "UBND xã Hoàng Văn Thụ" in html
    assert "Chuyển xử lý" in html
    # and B's one-stop officer finds it in the inbox
    inbox = client_for(officer_b).get(reverse("backoffice:home")).content.decode()
    assert dossier.code in inbox


def test_a_unit_outside_the_procedures_list_is_refused(officer_a, boundary_free, commune_a):
    # commune A does not perform the procedure: it cannot be chosen as the competent unit
    response = client_for(officer_a).post(reverse("backoffice:intake"), _form("b2", don_vi=commune_a.code))
    assert response.status_code == 400
    assert "Đơn vị này không giải quyết thủ tục." in response.content.decode()
    _nothing_written()


def test_filing_online_for_another_commune_is_refused_with_a_message(officer_a, boundary_free, commune_b):
    response = client_for(officer_a).post(
        reverse("backoffice:intake"), _form("b3", kenh="2", don_vi=commune_b.code)
    )
    assert response.status_code == 403
    assert "được tiếp nhận trực tiếp tại quầy hoặc qua bưu chính" in response.content.decode()
    _nothing_written()
    # the token is released: the officer corrects the channel and records it
    fixed = client_for(officer_a).post(reverse("backoffice:intake"), _form("b3", don_vi=commune_b.code))
    assert fixed.status_code == 302 and Dossier.objects.count() == 1


def test_a_procedure_without_the_flag_is_not_received_for_another_commune(officer_a, local_only, commune_b):
    client = client_for(officer_a)
    assert client.get(reverse("backoffice:intake"), {"thu_tuc": LOCAL_ONLY}).status_code == 404
    posted = client.post(reverse("backoffice:intake"), _form("b4", LOCAL_ONLY, don_vi=commune_b.code))
    assert posted.status_code == 404
    _nothing_written()


def test_the_competent_units_own_officer_gets_its_unit_preselected(officer_b, boundary_free, commune_b):
    html = (
        client_for(officer_b).get(reverse("backoffice:intake"), {"thu_tuc": BOUNDARY_FREE}).content.decode()
    )
    assert f'<option value="{commune_b.code}" selected>UBND xã Tân Thành</option>' in html
    response = client_for(officer_b).post(reverse("backoffice:intake"), _form("b5", don_vi=commune_b.code))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.status == Status.RECEIVED and dossier.receiving_unit_id == dossier.unit_id == commune_b.pk


def test_units_no_longer_in_force_are_not_offered(officer_a, boundary_free, commune_c):
    # given commune C ended yesterday (merged in a reorganisation)
    commune_c.valid_from, commune_c.valid_to = date(2020, 1, 1), timezone.localdate() - timedelta(days=1)
    commune_c.save(update_fields=["valid_from", "valid_to"])
    html = (
        client_for(officer_a).get(reverse("backoffice:intake"), {"thu_tuc": BOUNDARY_FREE}).content.decode()
    )
    assert f'value="{commune_c.code}"' not in html
