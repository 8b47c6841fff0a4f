"""dvctt targets_import and dvctt scores."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from dvctt.plans import selectors
from dvctt.plans.models import Target
from dvctt.plans.tests.conftest import kpis_dict
from dvctt.plans.tests.sheets import sheet_bytes

pytestmark = pytest.mark.django_db
HEADER = ["Mã đơn vị", "Tên đơn vị", "Tỷ lệ hồ sơ xử lý trực tuyến"]


def test_targets_import_command(plan, units, tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(sheet_bytes([HEADER, ["D1", "Sở", 90]]))
    out = io.StringIO()
    call_command("targets_import", str(good), "--plan", "165/KH-UBND", "--year", "2025", stdout=out)
    assert "Đã nhập 1 chỉ tiêu của 1 dòng" in out.getvalue()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(sheet_bytes([HEADER, ["D1", "Sở", 50], ["NOPE", "?", 50]]))
    with pytest.raises(CommandError, match="dòng 5, cột A: không có đơn vị mã “NOPE”"):
        call_command("targets_import", str(bad), "--plan", str(plan.pk), "--year", "2025")
    assert [str(v) for v in Target.objects.values_list("value", flat=True)] == ["0.9000"]
    with pytest.raises(CommandError, match="Không có kế hoạch"):
        call_command("targets_import", str(good), "--plan", "9/KH", "--year", "2025")
    with pytest.raises(CommandError, match="ngoài kỳ"):
        call_command("targets_import", str(good), "--plan", "165/KH-UBND", "--year", "2030")
    with pytest.raises(CommandError, match="Không có tệp"):
        call_command("targets_import", str(tmp_path / "none.xlsx"), "--plan", "165/KH-UBND", "--year", "2025")


@pytest.fixture
def fake_kpis(monkeypatch):
    monkeypatch.setattr(
        selectors,
        "_kpi_engine",
        lambda: lambda **kw: kpis_dict(D1={"on_time_rate": (1, 2)}) | {"from": "x", "to": "y"},
    )


def test_scores_command_json_table_xlsx(units, fake_kpis, tmp_path):
    out = io.StringIO()
    call_command("scores", "--year", "2024", stdout=out)
    body = json.loads(out.getvalue())
    assert (
        body["year"] == 2024
        and body["index"]["units"]["D1"]["progress"] == 10.0
        and body["par"]["criteria"] == []
    )
    out = io.StringIO()
    call_command("scores", "--year", "2024", "--format", "table", stdout=out)
    assert "D1\tSở Tư pháp\t0.00\t10.00" in out.getvalue()
    target = tmp_path / "d.xlsx"
    call_command(
        "scores", "--year", "2024", "--format", "xlsx", "--output", str(target), stdout=io.StringIO()
    )
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["Chỉ số 766", "Chỉ số CCHC"]
    with pytest.raises(CommandError, match="chưa bắt đầu"):
        call_command("scores", "--year", "2099")
