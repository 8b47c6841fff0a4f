"""Downloads of slips and the tracking register (/api/v1/dossiers/{code}/slips/{kind}.pdf, /api/v1/registers/).

Thin adapters: fetch through the scoped selector, call the renderer, answer with a file. Errors keep the API's
one JSON shape, also for a client that asked for a PDF or a spreadsheet (see ``_FileRenderer``).
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from typing import Any

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import APISettings
from rest_framework.views import APIView

from dvctt.accounts.models import Role, User
from dvctt.accounts.scopes import unit_ids_in_scope
from dvctt.agencies.selectors import unit_get_by_code
from dvctt.common.errors import AccessDenied, DomainError, NotFoundError
from dvctt.common.files import stored_file_response
from dvctt.dossiers.selectors import dossier_get_for_user
from dvctt.dossiers.slips.forms import DOSSIER_SLIP_KINDS, SlipKind
from dvctt.dossiers.slips.register import (
    PDF_MAX_ROWS,
    register_count,
    register_open,
    register_pdf,
    register_pdf_inline_limit,
    register_xlsx,
)
from dvctt.dossiers.slips.register_exports import (
    register_export_file_for_user,
    register_export_get_for_user,
    register_export_json,
    register_export_start,
)
from dvctt.dossiers.slips.render import slip_render

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Slips an applicant may download for their own dossier; the control slip is internal to the agencies.
APPLICANT_KINDS = frozenset(
    {SlipKind.RECEIPT, SlipKind.SUPPLEMENT, SlipKind.REFUSAL, SlipKind.APOLOGY, SlipKind.STOP}
)


class _FileRenderer(BaseRenderer):
    """Lets a client that sends ``Accept: application/pdf`` (or the XLSX type) through content negotiation.

    Files are returned as plain ``HttpResponse``; only error bodies reach this renderer, and they go out as JSON.
    """

    charset = None

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data, ensure_ascii=False).encode()


class PdfRenderer(_FileRenderer):
    media_type = PDF
    format = "pdf"


class XlsxRenderer(_FileRenderer):
    media_type = XLSX
    format = "xlsx"


class _OwnFormatParameter(DefaultContentNegotiation):
    """``format`` is the register's own parameter (xlsx|pdf), validated by the view, not DRF's renderer switch."""

    settings = APISettings({"URL_FORMAT_OVERRIDE": None})  # type: ignore[assignment,arg-type]


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class SlipDownload(APIView):
    """One slip of one dossier as PDF: officials in scope; the applicant for the slips issued to them."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=[k.value for k in DOSSIER_SLIP_KINDS])
        ],
        responses={
            (200, PDF): OpenApiResponse(OpenApiTypes.BINARY, description="phiếu (PDF)"),
            400: OpenApiResponse(description="phiếu không áp dụng cho hồ sơ"),
            403: OpenApiResponse(description="không có quyền"),
            404: OpenApiResponse(description="không có hồ sơ hoặc loại phiếu"),
        },
    )
    def get(self, request: Request, code: str, kind: str) -> HttpResponse:
        if kind not in {k.value for k in DOSSIER_SLIP_KINDS}:
            raise NotFoundError(_("Không có loại phiếu “%(kind)s”.") % {"kind": kind}, code="unknown_slip")
        user: User = request.user  # type: ignore[assignment]
        dossier = dossier_get_for_user(user=user, code=code)
        if (
            user.role in (Role.CITIZEN, Role.BUSINESS)
            and not user.is_superuser
            and kind not in APPLICANT_KINDS
        ):
            raise AccessDenied(
                _("Phiếu kiểm soát quá trình giải quyết hồ sơ chỉ dành cho cơ quan giải quyết.")
            )
        pdf = slip_render(dossier=dossier, kind=kind)
        return _attachment(pdf, PDF, f"{kind}-{dossier.code}.pdf")


def _day(params: Any, name: str) -> date:
    raw = (params.get(name) or "").strip()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(
            _("Ngày “%(value)s” không hợp lệ: dùng dạng YYYY-MM-DD.") % {"value": raw}
            if raw
            else _("Thiếu ngày “%(name)s”.") % {"name": name},
            code="invalid",
            fields={name: [_("Ngày dạng YYYY-MM-DD.")]},
        ) from None


class RegisterDownload(APIView):
    """The tracking register of one unit for a date range (receipt dates, both ends included)."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, XlsxRenderer, PdfRenderer]
    content_negotiation_class = _OwnFormatParameter

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", str, required=True, description="mã đơn vị"),
            OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="từ ngày (YYYY-MM-DD)"),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="đến ngày (YYYY-MM-DD)"),
            OpenApiParameter("format", str, enum=["xlsx", "pdf"], default="xlsx"),
        ],
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="sổ theo dõi hồ sơ (XLSX)"),
            (200, PDF): OpenApiResponse(OpenApiTypes.BINARY, description="sổ theo dõi hồ sơ (PDF)"),
            202: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description=f"sổ dài (mặc định trên {PDF_MAX_ROWS} dòng): lập ở chế độ nền, theo dõi ở status_url",
            ),
            400: OpenApiResponse(description="tham số không hợp lệ"),
            403: OpenApiResponse(description="đơn vị ngoài phạm vi"),
        },
    )
    def get(self, request: Request) -> HttpResponse | FileResponse | Response:
        params = request.query_params
        fmt = params.get("format", "xlsx")
        if fmt not in ("xlsx", "pdf"):
            raise DomainError(
                _("Định dạng “%(f)s” không hỗ trợ: chọn xlsx hoặc pdf.") % {"f": fmt},
                fields={"format": [_("xlsx hoặc pdf.")]},
            )
        start, end = _day(params, "from"), _day(params, "to")
        code = (params.get("unit") or "").strip()
        unit = unit_get_by_code(code=code) if code else None
        if unit is None:
            raise DomainError(
                _("Không có đơn vị “%(code)s”.") % {"code": code} if code else _("Thiếu mã đơn vị."),
                code="unknown_unit",
                fields={"unit": [_("Mã đơn vị không tồn tại.")]},
            )
        scope = unit_ids_in_scope(request.user)
        if scope is not None and unit.pk not in scope:
            raise AccessDenied(
                _("Bạn không có quyền xem sổ theo dõi hồ sơ của %(unit)s.") % {"unit": unit.name}
            )
        register = register_open(unit=unit, start=start, end=end)
        filename = f"so-theo-doi-{unit.code}-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
        if fmt == "pdf":
            if register_count(register=register) > register_pdf_inline_limit():
                user: User = request.user  # type: ignore[assignment]
                export = register_export_start(user=user, unit=unit, start=start, end=end)
                body = register_export_json(export)
                return Response(body, status=202, headers={"Location": str(body["status_url"])})
            return _attachment(register_pdf(register=register, max_rows=None), PDF, filename)
        # A temporary file, not memory: the write-only workbook streams rows to it; the response streams it out.
        out = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it once sent
        register_xlsx(register=register, out=out)
        out.seek(0)
        return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)


class RegisterExportStatus(APIView):
    """Progress of a long register's PDF being written in the background: only for the user who asked."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="trạng thái, số dòng đã lập / tổng số"),
            403: OpenApiResponse(description="đơn vị không còn trong phạm vi"),
            404: OpenApiResponse(description="không có, hoặc của người khác"),
        }
    )
    def get(self, request: Request, export_id: int) -> Response:
        user: User = request.user  # type: ignore[assignment]
        export = register_export_get_for_user(user=user, export_id=export_id)
        return Response(register_export_json(export), headers={"Cache-Control": "no-store"})


class RegisterExportFile(APIView):
    """The finished PDF of a long register: the user who asked, the unit still in their scope."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        responses={
            (200, PDF): OpenApiResponse(OpenApiTypes.BINARY, description="sổ theo dõi hồ sơ (PDF)"),
            403: OpenApiResponse(description="đơn vị không còn trong phạm vi"),
            404: OpenApiResponse(description="không có, hoặc của người khác"),
            409: OpenApiResponse(description="chưa lập xong"),
        }
    )
    def get(self, request: Request, export_id: int) -> FileResponse:
        user: User = request.user  # type: ignore[assignment]
        export = register_export_file_for_user(user=user, export_id=export_id)
        filename = f"so-theo-doi-{export.unit.code}-{export.start:%Y%m%d}-{export.end:%Y%m%d}.pdf"
        response = stored_file_response(export.file, filename=filename, content_type=PDF)
        if response is None:
            raise NotFoundError(_("Tệp không còn trên máy chủ lưu trữ."), code="file_missing")
        return response
