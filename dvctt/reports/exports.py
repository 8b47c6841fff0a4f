"""The report sheet (layout.ReportSheet) as an XLSX workbook (openpyxl) and a PDF (WeasyPrint, A4 landscape).

Both print on one A4 landscape width: the XLSX sets the page to A4 landscape, fit to one page wide, with the
header rows repeated on every page; the PDF is laid out by the same template as the page's table.

Fonts: the PDF's stylesheet names "DejaVu Sans" (fonts-dejavu-core), which carries every Vietnamese letter
(dossiers/slips/render.py does the same).
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from .layout import MOTTO, ReportSheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"
WIDTHS = (6, 38, 10, 11, 12, 11, 10, 10, 10, 10, 10, 10, 10)
FIRST_TABLE_ROW = 9  # the first header row of the table


def report_xlsx(sheet: ReportSheet) -> bytes:
    """The workbook of one report: one sheet, the official layout, numbers as numbers."""
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = _("Biểu %(n)s") % {"n": sheet.form}
    last = get_column_letter(13)
    bold, centre = Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    def merged(row: int, first: int, last_col: int, text: str, font: Font | None = None) -> None:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last_col)
        cell = ws.cell(row=row, column=first, value=text)
        cell.alignment = centre
        if font is not None:
            cell.font = font

    merged(1, 1, 4, sheet.issuer, bold)
    merged(1, 6, 13, MOTTO[0], bold)
    merged(2, 1, 4, sheet.form_label)
    merged(2, 6, 13, MOTTO[1], Font(bold=True, underline="single"))
    merged(4, 1, 13, sheet.title, Font(bold=True, size=13))
    merged(5, 1, 13, sheet.subtitle, Font(italic=True))
    merged(6, 1, 13, sheet.period_line)
    if sheet.units_line:
        merged(7, 1, 13, sheet.units_line, Font(italic=True))
    ws.cell(row=8, column=13, value=sheet.unit_of_count).alignment = Alignment(horizontal="right")

    top, second, numbers = FIRST_TABLE_ROW, FIRST_TABLE_ROW + 1, FIRST_TABLE_ROW + 2
    for column, text in ((1, _("STT")), (2, sheet.name_header)):
        ws.merge_cells(start_row=top, start_column=column, end_row=second, end_column=column)
        ws.cell(row=top, column=column, value=text)
    column = 3
    for text, span in sheet.groups:
        ws.merge_cells(start_row=top, start_column=column, end_row=top, end_column=column + span - 1)
        ws.cell(row=top, column=column, value=text)
        column += span
    for index, text in enumerate(sheet.columns, start=3):
        ws.cell(row=second, column=index, value=text)
    for index, text in enumerate(sheet.column_numbers, start=1):
        ws.cell(row=numbers, column=index, value=text)
    for row in ws.iter_rows(min_row=top, max_row=numbers, max_col=13):
        for cell in row:
            cell.font, cell.alignment, cell.border = bold, centre, box

    at = numbers + 1
    for item in (*sheet.rows, sheet.total):
        number: int | str = int(item.number) if item.number else ""
        ws.append([number, item.label, *item.values])
        for cell in ws[at]:
            cell.border = box
            if item is sheet.total:
                cell.font = bold
        ws.cell(row=at, column=2).alignment = Alignment(wrap_text=True, vertical="center")
        at += 1

    at += 1
    merged(at, 9, 13, sheet.place_date, Font(italic=True))
    at += 1
    (left_title, left_note), (right_title, right_note) = sheet.signatures
    merged(at, 1, 4, left_title, bold)
    merged(at, 9, 13, right_title, bold)
    merged(at + 1, 1, 4, left_note, Font(italic=True))
    merged(at + 1, 9, 13, right_note, Font(italic=True))

    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.row_dimensions[second].height = 45
    ws.print_title_rows = f"{top}:{numbers}"
    ws.print_area = f"A1:{last}{at + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.freeze_panes = ws.cell(row=numbers + 1, column=3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_html(sheet: ReportSheet) -> str:
    """The printable HTML of one report (the PDF's source)."""
    return render_to_string("reports/report_print.html", {"sheet": sheet, "motto": MOTTO})


def report_pdf(sheet: ReportSheet) -> bytes:
    from weasyprint import HTML  # imported late: loading pango costs a second that other paths need not pay

    return HTML(string=report_html(sheet)).write_pdf()
