import logging

import pytest

from dvctt.common.masking import MaskPersonalDataFilter, mask_id, mask_text
from dvctt.common.text import fold


def test_fold_ignores_case_and_diacritics():
    assert fold("Đăng ký KHAI SINH") == "dang ky khai sinh"
    assert fold("Cấp  đổi\tgiấy phép lái xe") == "cap doi giay phep lai xe"
    assert fold(None) == ""


def test_mask_id_keeps_only_ends():
    assert mask_id("001099012345") == "001******345"
    assert mask_id("12345") == "*****"
    assert mask_id("") == ""


def test_mask_text_masks_identification_and_phone_numbers():
    assert mask_text("CCCD 001099012345, ĐT 0912345678") == "CCCD 001******345, ĐT 091****678"
    assert mask_text("hồ sơ 000.00.01.H38-250101-0001") == "hồ sơ 000.00.01.H38-250101-0001"


def test_log_filter_masks_arguments():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "applicant %s", ("001099012345",), None)
    MaskPersonalDataFilter().filter(record)
    assert record.getMessage() == "applicant 001******345"


@pytest.mark.django_db
def test_healthz_reports_database_and_tasks(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["tasks"]["ok"] is True
    assert "Backend" in body["checks"]["tasks"]["backend"]
