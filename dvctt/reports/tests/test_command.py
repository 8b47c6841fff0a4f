"""`dvctt report`: the spec's JSON on stdout, the official layout in XLSX and PDF, one Vietnamese line on bad input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from dvctt.dossiers.tests.test_slips import _objects as pdf_objects
from dvctt.dossiers.tests.test_slips import pdf_text
from dvctt.reports.figures import COLUMNS
from dvctt.reports.layout import MOTTO
from dvctt.reports.selectors import report_compute, report_labels

PERIOD = ["--from", "2025-07-01", "--to", "2025-09-30"]


def _run(*args: str) -> str:
    out = StringIO()
    call_command("report", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_json_is_the_spec_object(sample_in_db):
    from datetime import date

    # when the command prints form 06 for a quarter, units folded into today's
    printed = json.loads(_run("form06", *PERIOD, "--units", "current", "--format", "json"))
    # then it is the spec's object, equal to the engine's, each row with the eleven keys in the form's order
    assert list(printed) == ["form", "from", "to", "units", "province", "rows"]
    assert printed["form"] == "06" and printed["units"] == "current"
    assert (printed["from"], printed["to"]) == ("2025-07-01", "2025-09-30")
    assert list(printed["province"]) == list(COLUMNS)
    assert all(list(row) == list(COLUMNS) for row in printed["rows"].values())
    expected = report_compute(
        form="06", date_from=date(2025, 7, 1), date_to=date(2025, 9, 30), units_mode="current"
    )
    assert printed == json.loads(json.dumps(expected))
    # and form 07a prints the same object by field
    by_field = json.loads(_run("form07a", *PERIOD))
    assert by_field["form"] == "07a" and by_field["province"] == printed["province"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["form08", *PERIOD], "Biểu “form08” không có"),
        (["form06", "--from", "2025-09-31", "--to", "2025-10-01"], "không đúng dạng YYYY-MM-DD"),
        (["form06", "--to", "2025-10-01"], "Thiếu --from"),
        (["form06", "--from", "2025-10-01", "--to", "2025-09-01"], "Kỳ không hợp lệ"),
        (["form06", *PERIOD, "--units", "today"], "Cách tính đơn vị “today” không hợp lệ"),
        (["form06", *PERIOD, "--format", "csv"], "Định dạng “csv” không có"),
        (["form06", *PERIOD, "--format", "pdf"], "cần --output"),
    ],
)
def test_bad_input_is_one_vietnamese_line(db, args, message):
    with pytest.raises(CommandError) as error:
        _run(*args)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_bad_input_exits_non_zero_from_the_shell(db):
    # the real entry point: exit status 1, the message on stderr
    dvctt = str(Path(sys.executable).with_name("dvctt"))
    done = subprocess.run(  # noqa: S603 - our own entry point, fixed arguments
        [dvctt, "report", "form06", "--from", "2025-02-30", "--to", "2025-03-01"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DVCTT_TESTING": "1"},
    )
    assert done.returncode == 1
    assert "không đúng dạng YYYY-MM-DD" in done.stderr
    assert done.stdout == ""


def test_xlsx_has_the_official_layout(sample_in_db, tmp_path):
    from datetime import date

    # when the command writes form 06 of the quarter as XLSX
    path = tmp_path / "bao-cao.xlsx"
    _run("form06", *PERIOD, "--format", "xlsx", "--output", str(path))
    # then, read back: the motto, the issuing body, the form number and title, the period, the unit of count
    sheet = load_workbook(path).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert MOTTO[0] in cells and MOTTO[1] in cells
    assert any(c.startswith("ỦY BAN NHÂN DÂN TỈNH") for c in cells)
    assert "Biểu số 06" in cells
    assert "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in cells
    assert any("từ ngày 01/07/2025 đến ngày 30/09/2025" in c for c in cells)
    assert "Đơn vị tính: hồ sơ" in cells
    assert {"NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG CƠ QUAN"} <= set(cells)
    assert any(", ngày " in c and " tháng " in c and " năm " in c for c in cells)
    assert sheet.page_setup.orientation == "landscape"
    # and one row per unit in code order (numbered), then the total, equal to the engine's figures
    data = report_compute(form="06", date_from=date(2025, 7, 1), date_to=date(2025, 9, 30))
    names = report_labels(form="06", keys=data["rows"])
    body = [
        [c.value for c in row]
        for row in sheet.iter_rows(min_row=12, max_col=13)
        if row[1].value and (isinstance(row[0].value, int) or row[1].value == "Tổng cộng")
    ]
    units, others, total = body[: len(data["rows"])], body[len(data["rows"]) : -1], body[-1]
    assert [row[1] for row in units] == [names[code] for code in data["rows"]]
    assert [row[0] for row in units] == list(range(1, len(data["rows"]) + 1))
    for row, figures in zip(units, data["rows"].values(), strict=True):
        assert row[2:] == [figures[c] for c in COLUMNS]
    assert total[1] == "Tổng cộng"
    assert total[2:] == [data["province"][c] for c in COLUMNS]
    # the dossiers of units in no row of the period (ended in the 2025 reorganisation, still open) have a row of
    # their own, so that the rows add up to the total
    assert [row[1] for row in others] == [
        "Đơn vị khác (đã giải thể không có đơn vị kế thừa, hoặc ngoài thời gian hoạt động)"
    ]
    for i in range(2, 13):
        assert sum(row[i] for row in units + others) == total[i]


def test_pdf_is_a4_landscape_with_the_layout(sample_in_db, tmp_path):
    from datetime import date

    # when the command writes form 07a of the quarter as PDF
    path = tmp_path / "bao-cao.pdf"
    _run("form07a", *PERIOD, "--format", "pdf", "--output", str(path))
    # then the page is A4 landscape (842 × 595 points)
    pdf = path.read_bytes()
    heads = b"".join(head for head, _stream in pdf_objects(pdf).values())
    boxes = {
        tuple(round(float(x)) for x in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]+)\]", heads)
    }
    assert boxes == {(0, 0, 842, 595)}
    # and its text carries the header, the title, the period, the unit of count, the fields and the total
    text = " ".join(pdf_text(pdf).split())
    for wanted in (*MOTTO, "Biểu số 07a", "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"):
        assert wanted in text
    assert "từ ngày 01/07/2025 đến ngày 30/09/2025" in text
    assert "Đơn vị tính: hồ sơ" in text and "NGƯỜI LẬP BIỂU" in text and "THỦ TRƯỞNG CƠ QUAN" in text
    data = report_compute(form="07a", date_from=date(2025, 7, 1), date_to=date(2025, 9, 30))
    names = report_labels(form="07a", keys=data["rows"])
    for code in data["rows"]:
        assert names[code].split(" (")[0] in text
    total = text.split("Tổng cộng", 1)[1].split()
    assert total[: len(COLUMNS)] == [str(data["province"][c]) for c in COLUMNS]
