"""A procedure's form templates (mẫu đơn, tờ khai) are served by the portal, not from the media folder."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_template(online_procedure: Any) -> Any:
    component = online_procedure.components.create(name="Tờ khai", required=True)
    component.template.save("to-khai.docx", ContentFile(b"mau"), save=True)
    return component


def test_anyone_downloads_a_template_from_the_procedure_page(client: Client, with_template: Any) -> None:
    page = client.get(reverse("portal:procedure_detail", args=["1.001193"])).content.decode()
    url = reverse("portal:component_template", args=["1.001193", with_template.pk])
    assert f'href="{url}"' in page and "/media/" not in page
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"mau"
    assert response["Content-Disposition"] == 'attachment; filename="to-khai.docx"'


def test_a_template_is_found_only_under_its_own_procedure(client: Client, with_template: Any) -> None:
    assert (
        client.get(reverse("portal:component_template", args=["9.999999", with_template.pk])).status_code
        == 404
    )
    plain = with_template.version.components.create(name="Giấy chứng sinh", required=True)
    assert client.get(reverse("portal:component_template", args=["1.001193", plain.pk])).status_code == 404


def test_a_template_missing_on_disk_is_a_missing_page(client: Client, with_template: Any) -> None:
    with_template.template.storage.delete(with_template.template.name)
    response = client.get(reverse("portal:component_template", args=["1.001193", with_template.pk]))
    assert response.status_code == 404 and "Không tìm thấy trang" in response.content.decode()
