"""The feedback export: one sheet of figures per page, one of the answers (comments as typed, kept as text)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from dvctt.common.spreadsheets import safe_row


def feedback_workbook(*, pages: Iterable[Any], answers: Iterable[Any], today: date) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = _("Theo trang")[:31]
    summary.append(
        safe_row(summary, [_("GÓP Ý VỀ HƯỚNG DẪN, HỎI ĐÁP (xuất ngày %(d)s)") % {"d": f"{today:%d/%m/%Y}"}])
    )
    summary["A1"].font = Font(bold=True)
    summary.append(
        safe_row(
            summary,
            [
                _("Trang"),
                _("Đường dẫn"),
                _("Lượt góp ý"),
                _("Hữu ích"),
                _("Chưa hữu ích"),
                _("Tỉ lệ hữu ích (%)"),
            ],
        )
    )
    titles = {}
    for page in pages:
        titles[page.page_key] = page.title
        path = f"/huong-dan/{page.url_slug}/" if page.url_slug else "/huong-dan/hoi-dap/"
        summary.append(
            safe_row(
                summary,
                [page.title, path, page.total, page.helpful, page.not_helpful, page.percent],
            )
        )
    comments = workbook.create_sheet(_("Ý kiến")[:31])
    comments.append(
        safe_row(comments, [_("Trang"), _("Thời gian"), _("Hữu ích"), _("Ngôn ngữ"), _("Ý kiến")])
    )
    for answer in answers:
        comments.append(
            safe_row(
                comments,
                [
                    titles.get(answer.page_key, answer.page_key),
                    timezone.localtime(answer.created_at).strftime("%d/%m/%Y %H:%M"),
                    _("Có") if answer.helpful else _("Không"),
                    answer.language,
                    answer.comment,
                ],
            )
        )
    for sheet, widths in ((summary, [50, 40, 12, 10, 12, 16]), (comments, [50, 18, 10, 10, 80])):
        for index, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
