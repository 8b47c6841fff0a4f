from datetime import date

import pytest
from django.core.files.base import ContentFile

from dvctt.catalog import services
from dvctt.catalog.tests.factories import FieldFactory, UnitFactory, VersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def khai_sinh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    UnitFactory(code="000.00.03.H38", name="Sở Tư pháp")
    FieldFactory(code="HT", name="Hộ tịch")
    services.procedure_version_create(
        code="1.000001",
        valid_from=date(2023, 1, 1),
        name="Đăng ký khai sinh",
        field_code="HT",
        online_level=3,
    )
    return services.procedure_version_create(
        code="1.000001",
        valid_from=date(2024, 1, 1),
        name="Đăng ký khai sinh",
        field_code="HT",
        online_level=4,
        unit_codes=["000.00.03.H38"],
        time_limit="1",
        steps="Bước 1: Nộp tờ khai.",
        legal_basis="Luật Hộ tịch 2014",
        components=[
            {"name": "Tờ khai đăng ký khai sinh", "template": ContentFile(b"mau", name="to-khai.docx")}
        ],
        fees=[{"name": "Lệ phí đăng ký", "amount": 8000}],
    )


def test_search_page_without_query_lists_everything(client, khai_sinh):
    response = client.get("/thu-tuc/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đăng ký khai sinh" in html
    assert "1.000001" in html
    assert "Trực tuyến toàn trình" in html
    assert "Sở Tư pháp" in html


def test_search_page_filters_and_no_result_message(client, khai_sinh):
    VersionFactory(name="Cấp giấy phép xây dựng", online_level=2)
    html = client.get("/thu-tuc/", {"q": "dang ky khai sinh", "field": "HT"}).content.decode()
    assert "Đăng ký khai sinh" in html and "Cấp giấy phép xây dựng" not in html
    html = client.get("/thu-tuc/", {"online_level": "2"}).content.decode()
    assert "Cấp giấy phép xây dựng" in html and "Đăng ký khai sinh" not in html
    html = client.get("/thu-tuc/", {"q": "zzzz"}).content.decode()
    assert "Không tìm thấy thủ tục nào phù hợp" in html


def test_search_page_paginates_and_keeps_the_query(client):
    for n in range(25):
        VersionFactory(name=f"Đăng ký hoạt động {n:02d}")
    html = client.get("/thu-tuc/", {"q": "dang ky"}).content.decode()
    assert "Trang 1/2" in html
    assert "q=dang+ky&amp;page=2" in html
    assert "Trang 2/2" in client.get("/thu-tuc/", {"q": "dang ky", "page": "2"}).content.decode()


def test_search_page_bad_filter_does_not_fail(client, khai_sinh):
    response = client.get("/thu-tuc/", {"online_level": "9", "page": "x"})
    assert response.status_code == 200
    assert "Đăng ký khai sinh" in response.content.decode()


def test_detail_page_shows_everything_published(client, khai_sinh):
    response = client.get("/thu-tuc/1.000001/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Đăng ký khai sinh",
        "1.000001",
        "Hộ tịch",
        "Bước 1: Nộp tờ khai.",
        "Tờ khai đăng ký khai sinh",
        # the form template is served through the portal (not /media/, which production does not serve)
        "/thu-tuc/1.000001/mau/",
        "Lệ phí đăng ký",
        "8.000",
        "Luật Hộ tịch 2014",
        "Sở Tư pháp",
        "Trực tuyến toàn trình",
        "Trực tiếp, Trực tuyến, Bưu chính công ích",
        "1 ngày làm việc",
        "01/01/2024",
        "31/12/2023",
        "Nộp hồ sơ trực tuyến",
    ]:
        assert text in html, text


def test_detail_page_has_no_online_button_for_level_2(client):
    VersionFactory(procedure__code="1.000777", online_level=2)
    html = client.get("/thu-tuc/1.000777/").content.decode()
    assert "Nộp hồ sơ trực tuyến" not in html


def test_detail_page_of_unknown_code_is_404(client):
    assert client.get("/thu-tuc/9.999999/").status_code == 404


def test_pages_query_counts(client, khai_sinh, django_assert_max_num_queries):
    for n in range(25):
        VersionFactory(name=f"Thủ tục {n}")
    with django_assert_max_num_queries(8):
        client.get("/thu-tuc/")
    with django_assert_max_num_queries(10):
        client.get("/thu-tuc/1.000001/")
