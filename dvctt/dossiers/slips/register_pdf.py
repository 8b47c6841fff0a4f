"""The tracking register as a landscape A4 PDF, laid out with ReportLab, a page at a time.

WeasyPrint laid out the whole register at once (10,000 rows: 241 s, 3 GB). Here rows stream from the query
(``register_rows``) and are wrapped into cell lines as they come; as soon as a page is full its table (the two
heading rows of the form repeated, then the rows that fit) is drawn and the page is closed, so memory holds one
page of rows plus the PDF's compressed page streams. The total page count ("trang 3/412") is a form XObject
defined once the last page is known. The table is drawn on the canvas directly (borders as one path, the text
of a page as one text object): platypus' Table, laying out and drawing cell by cell, took twice the time.

Fonts: DejaVu Sans (regular, bold, oblique) from ``settings.DVCTT_PDF_FONT_DIR`` (``fonts-dejavu-core``),
embedded as subsets: the Vietnamese text stays text (``pdftotext`` reads it back).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from dvctt.dossiers.slips.register import COLUMNS, Register, register_heading, register_rows

FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
SIZE = 6.5
LEADING = 7.8
PAD = 1.6  # points, each side of a cell
MARGIN = 28.35  # 10 mm
#: Column widths in points (sum = the landscape A4 width inside the margins, 785 pt): a dossier code
#: (``000.00.12.H38-250302-0001``) fits on one line, a date and its time on two.
WIDTHS: dict[str, float] = {
    "stt": 18,
    "code": 108,
    "procedure": 106,
    "sets": 24,
    "applicant": 70,
    "contact": 78,
    "unit": 70,
    "received_at": 43,
    "due_at": 43,
    "forwarded_at": 43,
    "ended_at": 43,
    "result": 50,
    "returned_at": 43,
    "note": 46,
}
#: How often (rows) the progress callback is told, at the end of a page at the latest.
PROGRESS_EVERY = 200

_fonts_registered = False


def _register_fonts() -> None:
    global _fonts_registered
    if _fonts_registered:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = Path(settings.DVCTT_PDF_FONT_DIR)
    for name, file in (
        (FONT, "DejaVuSans.ttf"),
        (BOLD, "DejaVuSans-Bold.ttf"),
        (ITALIC, "DejaVuSans-Oblique.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    _fonts_registered = True


def _cell_text(key: str, value: Any) -> str:
    if isinstance(value, datetime):
        local = timezone.localtime(value)
        return f"{local:%d/%m/%Y}\n{local:%H:%M}"
    return "" if value is None else str(value)


class _Wrapper:
    """Cuts cell text into lines no wider than a column. Widths are remembered per (font, text): a register
    repeats the same unit names, addresses, dates and words on every row."""

    def __init__(self, size: float) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        self.size = size
        self._string_width = stringWidth
        self._widths: dict[tuple[str, str], float] = {}

    def width(self, text: str, font: str) -> float:
        key = (font, text)
        found = self._widths.get(key)
        if found is None:
            if len(self._widths) > 200_000:  # bounded, whatever the register holds
                self._widths.clear()
            found = self._widths[key] = self._string_width(text, font, self.size)
        return found

    def lines(self, text: str, font: str, width: float) -> list[str]:
        """Words kept whole where they fit, a word wider than the column cut."""
        out: list[str] = []
        for paragraph in text.split("\n"):
            if self.width(paragraph, font) <= width:
                out.append(paragraph.strip())
                continue
            space = self.width(" ", font)
            line, line_width = "", 0.0
            for word in paragraph.split():
                word_width = self.width(word, font)
                if line and line_width + space + word_width <= width:
                    line, line_width = f"{line} {word}", line_width + space + word_width
                    continue
                if line:
                    out.append(line)
                while word_width > width:  # a token wider than the column: cut it
                    cut = len(word) - 1
                    while cut > 1 and self.width(word[:cut], font) > width:
                        cut -= 1
                    out.append(word[:cut])
                    word = word[cut:]
                    word_width = self.width(word, font)
                line, line_width = word, word_width
            out.append(line)
        return out or [""]


def register_pdf_write(
    *,
    register: Register,
    out: IO[bytes],
    progress: Callable[[int], None] | None = None,
    chunk_size: int = 2_000,
) -> int:
    """Write the register as PDF to ``out``; returns the number of rows. ``progress(rows_done)`` is called every
    ``PROGRESS_EVERY`` rows or so (at page ends) and once at the end."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase.pdfmetrics import getAscent
    from reportlab.pdfgen.canvas import Canvas

    _register_fonts()
    page_w, page_h = landscape(A4)
    keys = [key for key, _label, _w in COLUMNS]
    widths = [WIDTHS[key] for key in keys]
    inner = [w - 2 * PAD for w in widths]
    lefts = [MARGIN + sum(widths[:i]) for i in range(len(widths))]
    right = MARGIN + sum(widths)
    centred = {keys.index("stt"), keys.index("sets")}
    ascent = getAscent(FONT, SIZE)
    wrapper = _Wrapper(SIZE)

    form_line, unit_line, title, period = register_heading(register)
    canvas = Canvas(out, pagesize=(page_w, page_h), pageCompression=1, invariant=1)
    canvas.setTitle(title)
    canvas.setAuthor(register.unit.name)
    canvas.setLineWidth(0.5)

    Row = tuple[list[list[str]], float]

    def wrapped(texts: list[str], font: str) -> Row:
        cells = [wrapper.lines(t, font, w) for t, w in zip(texts, inner, strict=True)]
        return cells, max(len(c) for c in cells) * LEADING + 2 * PAD

    header = wrapped([str(label) for _k, label, _w in COLUMNS], BOLD)
    numbers = wrapped([f"({i})" for i in range(1, len(COLUMNS) + 1)], ITALIC)

    def draw_table(top: float, rows: list[tuple[Row, str, bool]]) -> float:
        """Rows (cells, height), font, centred: borders, the heading rows' shade, the text. Returns the bottom."""
        bottom = top - sum(height for (_cells, height), _f, _c in rows)
        shade = header[1] + numbers[1]
        canvas.setFillGray(0.93)
        canvas.rect(MARGIN, top - shade, right - MARGIN, shade, stroke=0, fill=1)
        canvas.setFillGray(0)
        edges, y = [], top
        for (_cells, height), _f, _c in rows:
            edges.append((MARGIN, y, right, y))
            y -= height
        edges.append((MARGIN, bottom, right, bottom))
        edges += [(x, top, x, bottom) for x in (*lefts, right)]
        canvas.lines(edges)
        text = canvas.beginText()
        y = top
        current = ""
        for (cells, height), font, centre_all in rows:
            if font != current:
                text.setFont(font, SIZE, LEADING)
                current = font
            for i, lines in enumerate(cells):
                for n, line in enumerate(lines):
                    if not line:
                        continue
                    x = lefts[i] + PAD
                    if centre_all or i in centred:
                        x = lefts[i] + (widths[i] - wrapper.width(line, font)) / 2
                    text.setTextOrigin(x, y - PAD - ascent - n * LEADING)
                    text.textOut(line)
            y -= height
        canvas.drawText(text)
        return bottom

    def page_frame(number: int, first: bool) -> float:
        """Draw the page's heading (the form's on the first page) and footer; return the top of the table."""
        top = page_h - MARGIN
        canvas.setFont(FONT, 6.5)
        canvas.drawRightString(page_w - MARGIN, MARGIN / 2, gettext("Trang %(n)s/") % {"n": number})
        canvas.doForm("register_pages")
        if not first:
            return top
        canvas.setFont(ITALIC, 7)
        canvas.drawRightString(page_w - MARGIN, top - 7, form_line)
        canvas.setFont(BOLD, 8)
        canvas.drawString(MARGIN, top - 18, unit_line)
        canvas.setFont(BOLD, 12)
        canvas.drawCentredString(page_w / 2, top - 34, title)
        canvas.setFont(FONT, 8)
        canvas.drawCentredString(page_w / 2, top - 46, period)
        return top - 54

    rows: Iterator[dict[str, Any]] = register_rows(register=register, chunk_size=chunk_size)
    page = 0
    done = 0
    told = 0
    pending: Row | None = None
    exhausted = False
    while True:
        page += 1
        top = page_frame(page, first=page == 1)
        room = top - MARGIN - header[1] - numbers[1]
        table: list[tuple[Row, str, bool]] = [(header, BOLD, True), (numbers, ITALIC, True)]
        while True:
            if pending is None and not exhausted:
                row = next(rows, None)
                if row is None:
                    exhausted = True
                else:
                    pending = wrapped([_cell_text(k, row[k]) for k in keys], FONT)
            if pending is None:
                break
            if pending[1] > room and len(table) > 2:
                break  # the page is full (a row taller than a page would still go alone)
            table.append((pending, FONT, False))
            room -= pending[1]
            pending = None
            done += 1
        bottom = draw_table(top, table)
        if exhausted and pending is None:
            summary_y = bottom - 12
            if summary_y < MARGIN:
                canvas.showPage()
                page += 1
                page_frame(page, first=False)
                summary_y = page_h - MARGIN - 8
            canvas.setFont(BOLD, 7)
            canvas.drawString(MARGIN, summary_y, register.totals.summary())
        canvas.showPage()
        if progress is not None and done - told >= PROGRESS_EVERY:
            progress(done)
            told = done
        if exhausted and pending is None:
            break
    canvas.beginForm("register_pages")
    canvas.setFont(FONT, 6.5)
    canvas.drawString(page_w - MARGIN, MARGIN / 2, str(page))
    canvas.endForm()
    canvas.save()
    if progress is not None:
        progress(done)
    return done
