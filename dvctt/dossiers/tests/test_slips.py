"""Official slips and the tracking register: form sets, PDF content, QR payload, XLSX rows, API."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from dvctt.common.errors import DomainError
from dvctt.dossiers import services
from dvctt.dossiers.slips import FORMS_2018, FORMS_2025, SlipKind, form_set_for, slip_html, slip_render
from dvctt.dossiers.tests.conftest import pdf_upload, submission, vn


# --- reading text back out of a PDF -------------------------------------------------------------------------
def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Every object of the PDF (including those packed in object streams): (dictionary text, stream bytes)."""
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S):
        body = m.group(2)
        sm = re.search(rb"stream\r?\n(.*)\r?\nendstream", body, re.S)
        if sm is None:
            objects[int(m.group(1))] = (body, None)
            continue
        head, raw = body[: sm.start()], sm.group(1)
        if b"FlateDecode" in head:
            raw = zlib.decompress(raw)
        objects[int(m.group(1))] = (head, raw)
        if b"/ObjStm" in head:
            n = int(re.search(rb"/N (\d+)", head).group(1))  # type: ignore[union-attr]
            first = int(re.search(rb"/First (\d+)", head).group(1))  # type: ignore[union-attr]
            nums = [int(x) for x in raw[:first].split()[: 2 * n]]
            pairs = list(zip(nums[::2], nums[1::2], strict=True))
            for i, (num, off) in enumerate(pairs):
                end = pairs[i + 1][1] if i + 1 < len(pairs) else len(raw) - first
                objects[num] = (raw[first + off : first + end], None)
    return objects


def _cmap(stream: bytes) -> dict[int, str]:
    table: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            base = int(dst, 16)
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                table[code] = chr(base + i)
    return table


def pdf_text(data: bytes) -> str:
    """The text of a WeasyPrint PDF, in pure Python: glyph ids decoded through each font's ToUnicode map.

    Lines are joined by spaces and runs of spaces collapsed, so a title that wraps still reads as one phrase.
    """
    objects = _objects(data)
    font_cmaps: dict[bytes, dict[int, str]] = {}
    for head, _stream in objects.values():
        for font_ref in re.findall(rb"/Font\s+(\d+) 0 R", head):
            resources = objects[int(font_ref)][0]
            for name, num in re.findall(rb"/([^\s/<>\[\]]+)\s+(\d+) 0 R", resources):
                font = objects[int(num)][0]
                tu = re.search(rb"/ToUnicode\s+(\d+) 0 R", font)
                if tu:
                    font_cmaps[name] = _cmap(objects[int(tu.group(1))][1] or b"")
    out: list[str] = []
    token = re.compile(rb"/([^\s/]+)\s+[\d.]+\s+Tf|([-\d.]+)\s+Tm|\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj", re.S)
    for _head, stream in objects.values():
        if not stream or (b"TJ" not in stream and b"Tj" not in stream):
            continue
        cmap: dict[int, str] = {}
        for m in token.finditer(stream):
            if m.group(1):
                cmap = font_cmaps.get(m.group(1), {})
            elif m.group(2):
                out.append(" ")
            else:
                hexes = re.findall(rb"<([0-9a-fA-F]*)>", m.group(3) or b"") if m.group(3) else [m.group(4)]
                for h in hexes:
                    out.extend(cmap.get(int(h[i : i + 4], 16), "") for i in range(0, len(h), 4))
    return re.sub(r"\s+", " ", "".join(out))


def has_phrase(text: str, phrase: str) -> bool:
    return phrase.casefold() in text.casefold()


# --- fixtures -----------------------------------------------------------------------------------------------
@pytest.fixture
def refused(submitted, one_stop):
    return services.dossier_refuse_acceptance(
        dossier_id=submitted.pk, actor=one_stop, reasons="Thiếu bản sao giấy chứng sinh", at=vn(2025, 3, 3, 9)
    )


@pytest.fixture
def supplement_asked(received, one_stop):
    return services.dossier_request_supplement(
        dossier_id=received.pk,
        actor=one_stop,
        content="Bổ sung bản chụp sổ hộ khẩu có chứng thực",
        deadline=vn(2025, 3, 10, 17),
        at=vn(2025, 3, 3, 10),
    )


@pytest.fixture
def apologised(processing, leader):
    return services.dossier_apologise(
        dossier_id=processing.pk,
        actor=leader,
        new_due_at=vn(2025, 3, 10, 9),
        reason="Cần xác minh thông tin với cơ quan khác",
        at=vn(2025, 3, 5, 15),
    )


def received_on(procedure, unit, citizen, one_stop, day: date, *, key: str):
    dossier = services.dossier_submit(
        actor=citizen,
        submission=submission(
            unit, client_key=key, components=[services.ComponentUpload("Tờ khai", pdf_upload())]
        ),
        at=vn(day.year, day.month, day.day, 8, 0),
    )
    return services.dossier_receive(
        dossier_id=dossier.pk, actor=one_stop, at=vn(day.year, day.month, day.day, 8, 30)
    )


@pytest.fixture
def july(procedure, unit, citizen, one_stop, specialist):
    """Received Tuesday 01/07/2025, the first day of the 2025 forms, and being processed."""
    dossier = received_on(procedure, unit, citizen, one_stop, date(2025, 7, 1), key="july")
    return services.dossier_forward(
        dossier_id=dossier.pk, actor=one_stop, assignee=specialist, at=vn(2025, 7, 1, 10)
    )


@pytest.fixture
def stopped(july, leader):
    return services.dossier_stop(
        dossier_id=july.pk,
        actor=leader,
        reasons="Người nộp đề nghị dừng để điều chỉnh hồ sơ",
        at=vn(2025, 7, 2, 9),
    )


# --- form sets ----------------------------------------------------------------------------------------------
def test_form_set_switches_on_1_july_2025(db):
    # Given the seeded form sets (migration 0008)
    # Then the day picks the set
    assert form_set_for(date(2025, 6, 30)).code == "2018"
    assert form_set_for(date(2025, 7, 1)).code == "2025"
    assert form_set_for(date(2019, 1, 1)).code == "2018"
    assert form_set_for(date(2017, 1, 1)).code == "2018"  # nothing older: the first set


def test_form_sets_number_their_forms_as_the_circulars_do():
    assert [(f.number, f.kind) for f in FORMS_2018.forms] == [
        ("01", "receipt"),
        ("02", "supplement"),
        ("03", "refusal"),
        ("04", "apology"),
        ("05", "control"),
        ("06", "register"),
        ("", "refusal_decision"),
    ]
    assert [(f.number, f.kind) for f in FORMS_2025.forms] == [
        ("01", "receipt"),
        ("02", "supplement"),
        ("03", "refusal"),
        ("04", "apology"),
        ("05", "stop"),
        ("06", "control"),
        ("07", "register"),
        ("", "refusal_decision"),
    ]
    assert (
        str(FORMS_2025.form(SlipKind.APOLOGY).title)
        == "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết"
    )
    assert FORMS_2025.form(SlipKind.CONTROL).label == "Mẫu số 06"
    with pytest.raises(DomainError, match="01/2018/TT-VPCP"):
        FORMS_2018.form(SlipKind.STOP)


# --- slips as PDF -------------------------------------------------------------------------------------------
def test_receipt_slip_is_a_pdf_with_the_code_and_vietnamese_text(received):
    # Given a dossier received on 03/03/2025 09:00 with one component
    # When its receipt slip is rendered
    pdf = slip_render(dossier=received, kind="receipt")
    text = pdf_text(pdf)
    # Then it is a PDF that reads, with diacritics, as the 2018 form 01 for this dossier
    assert pdf.startswith(b"%PDF")
    assert received.code in text
    assert has_phrase(text, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    assert has_phrase(text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Mẫu số 01" in text and "01/2018/TT-VPCP" in text
    assert "Sở Tư pháp" in text and "Nguyễn Văn An" in text and "Đăng ký khai sinh" in text
    assert "Tờ khai" in text
    assert "03/03/2025 09:00" in text  # received
    assert "06/03/2025 09:00" in text  # appointment
    assert "Motcua" in text  # the officer who received it


def test_supplement_slip_carries_the_request_from_the_event(supplement_asked):
    text = pdf_text(slip_render(dossier=supplement_asked, kind="supplement"))
    assert has_phrase(text, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    assert "Mẫu số 02" in text
    assert "Bổ sung bản chụp sổ hộ khẩu có chứng thực" in text
    assert "10/03/2025 17:00" in text


def test_refusal_slip_carries_the_reasons(refused):
    text = pdf_text(slip_render(dossier=refused, kind="refusal"))
    assert has_phrase(text, "Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    assert "Mẫu số 03" in text
    assert "Thiếu bản sao giấy chứng sinh" in text
    assert refused.code in text


def test_apology_slip_carries_both_appointments(apologised):
    text = pdf_text(slip_render(dossier=apologised, kind="apology"))
    assert has_phrase(text, "Phiếu xin lỗi và hẹn lại ngày trả kết quả")
    assert "Mẫu số 04" in text
    assert "Cần xác minh thông tin với cơ quan khác" in text
    assert "06/03/2025 09:00" in text and "10/03/2025 09:00" in text


def test_stop_notice_exists_only_in_the_2025_set(stopped):
    text = pdf_text(slip_render(dossier=stopped, kind="stop"))
    assert has_phrase(text, "Thông báo dừng xử lý hồ sơ")
    assert "Mẫu số 05" in text and "03/2025/TT-VPCP" in text
    assert "Người nộp đề nghị dừng để điều chỉnh hồ sơ" in text


def test_control_slip_lists_the_hand_overs_with_who_and_when(apologised):
    # Given a dossier submitted, received, forwarded and apologised for
    html = slip_html(dossier=apologised, kind="control")
    text = pdf_text(slip_render(dossier=apologised, kind="control"))
    # Then the control slip has one row per hand-over (receipt, forward), with both sides and the time
    assert html.split("<tbody>")[1].count("<tr>") == 2
    assert has_phrase(text, "Phiếu kiểm soát quá trình giải quyết hồ sơ") and "Mẫu số 05" in text
    for label, giver, receiver, at in [
        ("Tiếp nhận hồ sơ", "Nguyễn Văn An", "Motcua", "03/03/2025 09:00"),
        ("Chuyển hồ sơ giải quyết", "Motcua", "Chuyenvien", "03/03/2025 10:00"),
    ]:
        assert label in text and giver in text and receiver in text and at in text
    # and the apology that moved the appointment is told under the table
    assert "Lanhdao xin lỗi, hẹn lại từ 06/03/2025 09:00 sang 10/03/2025 09:00" in text
    assert "Cần xác minh thông tin với cơ quan khác" in text


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("refusal", "không bị từ chối tiếp nhận"),
        ("supplement", "chưa có yêu cầu bổ sung"),
        ("apology", "chưa có văn bản xin lỗi"),
        ("stop", "01/2018/TT-VPCP"),  # received in March 2025: the 2018 set has no stop notice
    ],
)
def test_a_slip_that_does_not_apply_is_a_clear_domain_error(received, kind, message):
    with pytest.raises(DomainError, match=message) as caught:
        slip_render(dossier=received, kind=kind)
    assert received.code in caught.value.message
    assert caught.value.code == "slip_not_applicable"


def test_receipt_and_control_slips_need_a_received_dossier(submitted):
    for kind in ("receipt", "control"):
        with pytest.raises(DomainError, match="chưa được tiếp nhận"):
            slip_render(dossier=submitted, kind=kind)


def test_stop_notice_of_a_received_july_dossier_that_was_not_stopped_is_refused(july):
    with pytest.raises(DomainError, match="không bị dừng xử lý"):
        slip_render(dossier=july, kind="stop")


def test_dossier_received_30_june_and_1_july_2025_get_different_forms(procedure, unit, citizen, one_stop):
    # Given two dossiers received on either side of the switch
    june = received_on(procedure, unit, citizen, one_stop, date(2025, 6, 30), key="june")
    july = received_on(procedure, unit, citizen, one_stop, date(2025, 7, 1), key="july")
    # When their control slips are laid out
    june_html = slip_html(dossier=june, kind="control")
    july_html = slip_html(dossier=july, kind="control")
    # Then the June one is form 05 of Circular 01/2018, the July one form 06 of Circular 03/2025
    assert "Mẫu số 05" in june_html and "01/2018/TT-VPCP" in june_html
    assert "Mẫu số 06" in july_html and "03/2025/TT-VPCP" in july_html
    assert "03/2025/TT-VPCP" not in june_html
    # and their receipt slips name their own circular
    assert "01/2018/TT-VPCP" in pdf_text(slip_render(dossier=june, kind="receipt"))
    assert "03/2025/TT-VPCP" in pdf_text(slip_render(dossier=july, kind="receipt"))


def test_apology_title_follows_the_form_set(procedure, unit, citizen, one_stop, leader):
    june = received_on(procedure, unit, citizen, one_stop, date(2025, 6, 30), key="june")
    july = received_on(procedure, unit, citizen, one_stop, date(2025, 7, 1), key="july")
    for dossier in (june, july):
        services.dossier_apologise(
            dossier_id=dossier.pk,
            actor=leader,
            new_due_at=dossier.due_at + (vn(2025, 7, 10) - vn(2025, 7, 3)),
            reason="Chờ kết quả xác minh",
            at=dossier.received_at + (vn(2025, 7, 1, 10) - vn(2025, 7, 1, 9)),
        )
    june_html = slip_html(dossier=june, kind="apology")
    july_html = slip_html(dossier=july, kind="apology")
    assert "Phiếu xin lỗi và hẹn lại ngày trả kết quả" in june_html
    assert "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết" in july_html
    assert "đề nghị gia hạn" not in june_html


def test_a_dossier_not_yet_received_uses_its_submission_date(refused):
    # Submitted (and refused) in March 2025: the 2018 form 03
    assert "01/2018/TT-VPCP" in slip_html(dossier=refused, kind="refusal")


def test_qr_code_holds_the_public_lookup_address_with_the_code(received, settings, monkeypatch):
    # Given the public address of the portal
    settings.PUBLIC_BASE_URL = "https://dichvucong.langson.gov.vn/"
    import segno

    seen: list[str] = []
    real_make = segno.make

    def spy(content, *args, **kwargs):
        seen.append(content)
        return real_make(content, *args, **kwargs)

    monkeypatch.setattr(segno, "make", spy)
    # When a slip is laid out
    html = slip_html(dossier=received, kind="receipt")
    # Then the QR encodes the lookup address, which carries the exact dossier code
    assert seen == [f"https://dichvucong.langson.gov.vn/tra-cuu/?ma={received.code}"]
    assert 'src="data:image/png;base64,' in html


def test_pure_python_text_agrees_with_pdftotext(received):
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("poppler-utils is not installed")
    pdf = slip_render(dossier=received, kind="receipt")
    poppler = subprocess.run([pdftotext, "-", "-"], input=pdf, capture_output=True, check=True).stdout  # noqa: S603
    poppler_text = re.sub(r"\s+", " ", poppler.decode())
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả".upper() in poppler_text
    for phrase in ("Độc lập - Tự do - Hạnh phúc", received.code, "Thời gian tiếp nhận hồ sơ"):
        assert phrase in poppler_text and phrase in pdf_text(pdf)


# --- the tracking register ----------------------------------------------------------------------------------
def _open_register(*, unit, start, end):
    from dvctt.dossiers.slips.register import register_open

    return register_open(unit=unit, start=start, end=end)


@pytest.fixture
def register_dossiers(procedure, unit, other_unit, citizen, one_stop, leader, specialist):
    """Three dossiers of the unit in March 2025 (one returned late), one in April, none elsewhere counted."""
    first = received_on(procedure, unit, citizen, one_stop, date(2025, 3, 3), key="a")
    services.dossier_forward(dossier_id=first.pk, actor=one_stop, assignee=specialist, at=vn(2025, 3, 3, 10))
    services.dossier_approve(dossier_id=first.pk, actor=leader, at=vn(2025, 3, 4, 10))
    services.dossier_return_result(dossier_id=first.pk, actor=one_stop, at=vn(2025, 3, 4, 15))
    late = received_on(procedure, unit, citizen, one_stop, date(2025, 3, 4), key="b")
    services.dossier_forward(dossier_id=late.pk, actor=one_stop, at=vn(2025, 3, 4, 10))
    services.dossier_approve(dossier_id=late.pk, actor=leader, at=vn(2025, 3, 14, 10))
    open_one = received_on(procedure, unit, citizen, one_stop, date(2025, 3, 31), key="c")
    april = received_on(procedure, unit, citizen, one_stop, date(2025, 4, 1), key="d")
    return first, late, open_one, april


def test_register_xlsx_rows_and_totals(register_dossiers, unit):
    from openpyxl import load_workbook

    from dvctt.dossiers.slips.register import register_xlsx

    first, late, open_one, _april = register_dossiers
    # Given the March 2025 register of the unit
    register = _open_register(unit=unit, start=date(2025, 3, 1), end=date(2025, 3, 31))
    out = BytesIO()
    # When it is written as XLSX
    totals = register_xlsx(register=register, out=out)
    # Then it opens with the form's heading, the form's columns, one row per March dossier and the totals
    rows = list(load_workbook(BytesIO(out.getvalue()), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][0] == "Mẫu số 06 — ban hành kèm theo Thông tư số 01/2018/TT-VPCP"
    assert rows[1][0] == "SỞ TƯ PHÁP"
    assert rows[2][0] == "SỔ THEO DÕI HỒ SƠ"
    assert rows[3][0] == "Từ ngày 01/03/2025 đến ngày 31/03/2025"
    header = rows[5]
    assert header[:3] == ("STT", "Mã hồ sơ", "Tên thủ tục hành chính")
    assert {"Ngày nhận hồ sơ", "Hẹn trả kết quả", "Kết quả giải quyết", "Ngày trả kết quả", "Ghi chú"} <= set(
        header
    )
    data = rows[7:10]
    assert [r[0] for r in data] == [1, 2, 3]
    assert [r[1] for r in data] == [first.code, late.code, open_one.code]
    col = {name: header.index(name) for name in header}
    assert data[0][col["Tên thủ tục hành chính"]] == "Đăng ký khai sinh"
    assert data[0][col["Ngày nhận hồ sơ"]].strftime("%d/%m/%Y %H:%M") == "03/03/2025 08:30"
    assert data[0][col["Ngày trả kết quả"]].strftime("%d/%m/%Y %H:%M") == "04/03/2025 15:00"
    assert data[0][col["Ghi chú"]] == "Đúng hạn"
    assert data[1][col["Ghi chú"]] == "Quá hạn"
    assert data[2][col["Kết quả giải quyết"]] == "Được tiếp nhận"
    assert (totals.rows, totals.ended, totals.on_time, totals.late, totals.returned) == (3, 2, 1, 1, 1)
    assert rows[-1][0] == totals.summary()
    assert "Tổng số: 3 hồ sơ" in rows[-1][0]


def test_register_after_the_switch_uses_form_07(register_dossiers, unit):
    from dvctt.dossiers.slips.register import register_xlsx

    out = BytesIO()
    totals = register_xlsx(
        register=_open_register(unit=unit, start=date(2025, 7, 1), end=date(2025, 7, 31)), out=out
    )
    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(out.getvalue()), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][0] == "Mẫu số 07 — ban hành kèm theo Thông tư số 03/2025/TT-VPCP"
    assert totals.rows == 0


def test_register_reads_in_chunks_with_one_query(register_dossiers, unit, django_assert_num_queries):
    from dvctt.dossiers.slips.register import register_rows

    register = _open_register(unit=unit, start=date(2025, 3, 1), end=date(2025, 4, 30))
    with django_assert_num_queries(1):
        rows = list(register_rows(register=register, chunk_size=1))
    assert [r["stt"] for r in rows] == [1, 2, 3, 4]
    assert rows[0]["forwarded_at"] == vn(2025, 3, 3, 10)


def test_register_pdf_is_landscape_and_lists_the_codes(register_dossiers, unit):
    from dvctt.dossiers.slips.register import register_pdf

    pdf = register_pdf(register=_open_register(unit=unit, start=date(2025, 3, 1), end=date(2025, 3, 31)))
    # ReportLab's subset fonts: read back by pypdf (the project's own reader knows WeasyPrint's maps only)
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages))
    assert pdf.startswith(b"%PDF")
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Mẫu số 06" in text
    for dossier in register_dossiers[:3]:
        assert dossier.code in text
    assert register_dossiers[3].code not in text
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box is not None
    assert (round(float(box.group(1))), round(float(box.group(2)))) == (842, 595)  # A4 landscape, in points


def test_register_pdf_refuses_more_rows_than_its_limit(register_dossiers, unit):
    from dvctt.dossiers.slips.register import register_pdf

    register = _open_register(unit=unit, start=date(2025, 3, 1), end=date(2025, 3, 31))
    with pytest.raises(DomainError, match="chế độ nền") as refused:
        register_pdf(register=register, max_rows=2)  # three March rows
    assert refused.value.code == "too_many_rows"


def test_register_period_must_be_ordered_and_at_most_a_year(unit):
    with pytest.raises(DomainError, match="sau ngày kết thúc"):
        _open_register(unit=unit, start=date(2025, 3, 2), end=date(2025, 3, 1))
    with pytest.raises(DomainError, match="tối đa 366 ngày"):
        _open_register(unit=unit, start=date(2024, 1, 1), end=date(2025, 1, 1))


# --- API ----------------------------------------------------------------------------------------------------
def slip_url(code: str, kind: str) -> str:
    return f"/api/v1/dossiers/{code}/slips/{kind}.pdf"


def test_api_official_downloads_a_slip(client, received, one_stop):
    client.force_login(one_stop)
    response = client.get(slip_url(received.code, "receipt"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="receipt-{received.code}.pdf"'
    assert response.content.startswith(b"%PDF")


def test_api_applicant_downloads_own_receipt_but_not_the_control_slip(client, received, citizen):
    client.force_login(citizen)
    assert client.get(slip_url(received.code, "receipt")).status_code == 200
    response = client.get(slip_url(received.code, "control"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_api_officer_outside_scope_does_not_see_the_dossier(client, received, foreign_officer):
    client.force_login(foreign_officer)
    response = client.get(slip_url(received.code, "receipt"), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_api_slip_errors(client, received, one_stop):
    client.force_login(one_stop)
    not_refused = client.get(slip_url(received.code, "refusal"))
    assert not_refused.status_code == 400
    assert not_refused.json()["error"]["code"] == "slip_not_applicable"
    assert client.get(slip_url(received.code, "bogus")).status_code == 404
    assert client.get(slip_url(received.code, "receipt"), HTTP_ACCEPT="application/pdf").status_code == 200


def test_api_anonymous_gets_nothing(client, received):
    assert client.get(slip_url(received.code, "receipt")).status_code in (401, 403)


def register_url(**params) -> str:
    from urllib.parse import urlencode

    return "/api/v1/registers/?" + urlencode(params)


def test_api_register_xlsx_and_pdf(client, register_dossiers, unit, one_stop):
    from openpyxl import load_workbook

    client.force_login(one_stop)
    response = client.get(register_url(unit=unit.code, **{"from": "2025-03-01", "to": "2025-03-31"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="so-theo-doi-000.00.12.H38-20250301-20250331.xlsx"' in response["Content-Disposition"]
    book = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    codes = [r[1] for r in book.active.iter_rows(min_row=8, values_only=True) if r and isinstance(r[0], int)]
    assert codes == [d.code for d in register_dossiers[:3]]
    pdf = client.get(register_url(unit=unit.code, format="pdf", **{"from": "2025-03-01", "to": "2025-03-31"}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2025-13-01", "to": "2025-03-31"}, "from"),
        ({"from": "2025-03-01"}, "to"),
        ({"from": "2025-03-31", "to": "2025-03-01"}, "from"),
        ({"from": "2025-03-01", "to": "2025-03-31", "format": "csv"}, "format"),
        ({"from": "2025-03-01", "to": "2025-03-31", "unit": "KHONG.CO"}, "unit"),
    ],
)
def test_api_register_bad_input_is_400(client, unit, one_stop, params, field):
    client.force_login(one_stop)
    response = client.get(register_url(**{"unit": unit.code, **params}))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] and field in error["fields"]


def test_api_register_outside_scope_is_403(client, unit, foreign_officer, citizen):
    for user in (foreign_officer, citizen):
        client.force_login(user)
        response = client.get(register_url(unit=unit.code, **{"from": "2025-03-01", "to": "2025-03-31"}))
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
