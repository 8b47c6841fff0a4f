"""Counter intake: walk-in, postal and assisted online; a double post records one dossier."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import Channel, Status
from dvctt.dossiers.tests.conftest import PDF

pytestmark = pytest.mark.django_db


def _form(token: str, channel: str = "1", **extra):
    data = {
        "token": token,
        "thu_tuc": "1.001193",
        "kenh": channel,
        "loai_doi_tuong": "1",
        "ho_ten": "Hoàng Văn Nam",
        "so_dinh_danh": "020190005678",
        "tk_ho_ten_tre": "Hoàng Thị Mai",
        "tk_ngay_sinh": "02/02/2025",
    }
    data.update(extra)
    return data


def test_procedure_choice_lists_the_unit_procedures(one_stop_client, procedure):
    page = one_stop_client.get(reverse("backoffice:intake"))
    assert "1.001193" in page.content.decode()
    form = one_stop_client.get(reverse("backoffice:intake"), {"thu_tuc": "1.001193"})
    assert form.status_code == 200
    assert 'name="tk_ho_ten_tre"' in form.content.decode()


def test_walk_in_is_received_at_once_with_the_receipt_slip(one_stop_client, procedure):
    # given the procedure's component list; when the officer posts the walk-in with a scanned component
    component = procedure.components.create(name="Tờ khai đăng ký khai sinh", required=True)
    scan = SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")
    response = one_stop_client.post(reverse("backoffice:intake"), {**_form("t1"), f"tp_{component.pk}": scan})
    # then the dossier is received at once, with the scan stored, and the receipt slip is offered
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.files.get().name == "Tờ khai đăng ký khai sinh"
    assert dossier.status == Status.RECEIVED and dossier.channel == Channel.IN_PERSON and not dossier.assisted
    page = one_stop_client.get(response["Location"]).content.decode()
    assert "slips/receipt.pdf" in page


def test_assisted_online_stays_new_and_is_marked(one_stop_client, procedure):
    one_stop_client.post(reverse("backoffice:intake"), _form("t2", channel="2"))
    dossier = Dossier.objects.get()
    assert dossier.status == Status.NEW and dossier.assisted and dossier.channel == Channel.ONLINE


def test_double_post_records_one_dossier(one_stop_client, procedure):
    first = one_stop_client.post(reverse("backoffice:intake"), _form("same"))
    second = one_stop_client.post(reverse("backoffice:intake"), _form("same"))
    assert Dossier.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_bad_eform_value_keeps_the_form_and_records_nothing(one_stop_client, procedure):
    response = one_stop_client.post(reverse("backoffice:intake"), _form("t3", tk_ngay_sinh="31/02/2025"))
    assert response.status_code == 400
    assert Dossier.objects.count() == 0
    # the token is released: the corrected form can be posted
    fixed = one_stop_client.post(reverse("backoffice:intake"), _form("t3"))
    assert fixed.status_code == 302 and Dossier.objects.count() == 1
