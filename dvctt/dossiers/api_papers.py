"""Documents through the API: the applicant's stored papers ("Giấy tờ của tôi", /api/v1/papers/…) and the
documents a submission carries (uploads and reused papers, in a multipart/form-data submission).

The same checks as the portal: every upload through ``upload_check`` (type by name and content, size) and every
reused paper through the scoped selectors, all before anything is written (``dossier_submit``). One difference
from the portal's picker, which refuses a hidden paper when it is chosen: an API client chooses and submits in one
request, so a hidden paper is refused here, with the picker's error (404 ``paper_not_found``).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from dvctt.accounts.models import User
from dvctt.common.api import Pagination
from dvctt.common.errors import DomainError, NotFoundError
from dvctt.common.request_guard import json_checked
from dvctt.dossiers.files import ALLOWED_TYPES
from dvctt.dossiers.models import DossierFile, HiddenPaper
from dvctt.dossiers.selectors_papers import paper_get_for_user, papers_of
from dvctt.dossiers.services import ComponentReuse, ComponentUpload

#: The most documents (uploads and reused papers, each) one submission carries: a procedure has a few dozen
#: components at most; Django refuses more than ``DATA_UPLOAD_MAX_NUMBER_FILES`` files in a request anyway.
MAX_DOCUMENTS = 50
#: Ids are PostgreSQL bigints: a larger number would fail in the database, not in the check.
MAX_ID = 2**63 - 1


# -- Input: the documents of a submission ---------------------------------------------------------------------


class ReusedPaperInput(serializers.Serializer):
    name = serializers.CharField(max_length=255, help_text="tên thành phần hồ sơ mà giấy tờ được dùng cho")
    paper_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="id của giấy tờ trong GET /api/v1/papers/"
    )


def reused_papers_field() -> serializers.ListField:
    return serializers.ListField(
        child=ReusedPaperInput(),
        required=False,
        max_length=MAX_DOCUMENTS,
        help_text="giấy tờ đã lưu (“Giấy tờ của tôi”) dùng lại làm thành phần hồ sơ, không tải lên lại",
    )


@extend_schema_field(OpenApiTypes.STR)
class JSONText(serializers.Field):
    """A JSON value sent as text (a part of a multipart form), read with the request guard's limits on a JSON
    body (depth, NUL characters): the guard reads only JSON bodies, not the parts of a form."""

    default_error_messages = {
        "invalid": gettext_lazy("Phải là một văn bản JSON hợp lệ."),
        "too_deep": gettext_lazy("Dữ liệu JSON lồng nhau quá %(max)s cấp."),
        "nul": gettext_lazy("Dữ liệu chứa ký tự không hợp lệ (ký tự NUL)."),
    }

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        value, problem = json_checked(data)
        if problem == "invalid":
            self.fail("invalid")
        if problem == "depth":
            raise serializers.ValidationError(
                self.error_messages["too_deep"] % {"max": settings.DVCTT_JSON_MAX_DEPTH}
            )
        if problem == "nul":
            self.fail("nul")
        return value

    def to_representation(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)


class DocumentsMultipartInput(serializers.Serializer):
    """The parts a multipart submission adds to the JSON one's fields (``form_data`` and ``reused_papers``
    become JSON text parts). Component files go as repeated ``documents`` parts, each named by the
    ``document_names`` part at the same position."""

    form_data = JSONText(required=False, help_text="tờ khai điện tử: một đối tượng JSON, gửi dạng văn bản")
    documents = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        required=False,
        max_length=MAX_DOCUMENTS,
        help_text=f"tệp thành phần hồ sơ, mỗi tệp một phần “documents” (định dạng: {', '.join(sorted(ALLOWED_TYPES))};"
        f" tối đa {settings.DVCTT_MAX_UPLOAD_BYTES // 1048576} MB mỗi tệp)",
    )
    document_names = serializers.ListField(
        child=serializers.CharField(max_length=255),
        required=False,
        max_length=MAX_DOCUMENTS,
        help_text="tên thành phần hồ sơ của từng tệp, cùng thứ tự với “documents”",
    )
    reused_papers = JSONText(
        required=False,
        help_text='giấy tờ đã lưu dùng lại: danh sách JSON [{"name": "…", "paper_id": 12}], gửi dạng văn bản',
    )

    def validate_reused_papers(self, value: Any) -> list[dict[str, Any]]:
        return reused_papers_field().run_validation(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        files, names = attrs.get("documents", []), attrs.get("document_names", [])
        if len(files) != len(names):
            raise serializers.ValidationError(
                {
                    "document_names": [
                        _("Cần một tên thành phần hồ sơ cho mỗi tệp: %(files)s tệp, %(names)s tên.")
                        % {"files": len(files), "names": len(names)}
                    ]
                }
            )
        return attrs


def submission_documents(
    *, user: User, values: dict[str, Any]
) -> tuple[list[ComponentUpload], list[ComponentReuse]]:
    """The uploads and reused papers of validated input, each reused paper checked as the portal's picker checks
    it (the reader's own, shown, still a paper; NotFoundError otherwise). Reads only: nothing is written."""
    uploads = [
        ComponentUpload(name=name, upload=upload)
        for upload, name in zip(values.get("documents", []), values.get("document_names", []), strict=True)
    ]
    reused = [
        ComponentReuse(name=r["name"], paper_id=r["paper_id"]) for r in values.get("reused_papers") or []
    ]
    for reuse in reused:
        paper_get_for_user(user=user, paper_id=reuse.paper_id)
    return uploads, reused


# -- The applicant's stored papers ------------------------------------------------------------------------------


class PaperSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="dùng trong reused_papers[].paper_id khi nộp hồ sơ")
    name = serializers.CharField(help_text="tên giấy tờ (tên thành phần hồ sơ, tên kết quả)")
    kind = serializers.ChoiceField(choices=DossierFile.Kind.choices)
    file_name = serializers.CharField(help_text="tên tệp khi tải về")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="byte")
    sha256 = serializers.CharField()
    dossier_code = serializers.CharField(source="dossier.code", help_text="hồ sơ mà giấy tờ được nộp cùng")
    uploaded_at = serializers.DateTimeField()
    hidden = serializers.BooleanField(
        help_text="đã ẩn (chỉ được liệt kê khi hidden=1); không dùng lại được qua API"
    )


def _hidden_param(request: Request) -> bool:
    raw = request.query_params.get("hidden")
    if raw is None:
        return False
    try:
        return bool(serializers.BooleanField().to_internal_value(raw))
    except serializers.ValidationError:
        raise DomainError(
            _("Tham số hidden không hợp lệ."), fields={"hidden": [_("Dùng 1 hoặc 0 (true, false).")]}
        ) from None


class PaperList(ListAPIView):
    """The signed-in applicant's stored papers ("Giấy tờ của tôi"), newest first: what they uploaded in their
    dossiers and the electronic results handed over to them. Only their own; an official's list is empty."""

    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = PaperSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "hidden",
                bool,
                description="1: kèm cả giấy tờ đã ẩn (hidden = true); mặc định chỉ giấy tờ đang hiện",
            )
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[DossierFile]:
        user: User = self.request.user  # type: ignore[assignment]
        papers = papers_of(user)
        if _hidden_param(self.request):
            papers = papers | papers_of(user, hidden=True)
        return papers.annotate(
            hidden=Exists(HiddenPaper.objects.filter(user_id=user.pk, file_id=OuterRef("pk")))
        ).order_by("-uploaded_at", "-id")


class _JsonWhateverIsAccepted(BaseContentNegotiation):
    """The file goes out as a plain response; only an error reaches a renderer, and it goes out as JSON whatever
    the client accepts (``Accept: application/pdf`` must not turn a 404 into a 406)."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: str | None = None) -> Any:
        return renderers[0], renderers[0].media_type


#: What a paper downloads as: the types an upload may have (files.py), else bytes of no declared type.
_FILE_TYPES = sorted({content_type for content_type, _signatures in ALLOWED_TYPES.values()})
_DOWNLOAD_TYPES = [*_FILE_TYPES, "application/octet-stream"]


class PaperFile(APIView):
    """Download one of the applicant's papers (hidden ones too): only the owner; anyone else gets 404."""

    permission_classes = [IsAuthenticated]
    content_negotiation_class = _JsonWhateverIsAccepted

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "paper_id", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, OpenApiParameter.PATH
            )
        ],
        responses={
            **{
                (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description="tệp giấy tờ")
                for content_type in _DOWNLOAD_TYPES
            },
            404: OpenApiResponse(description="không có, của người khác, hoặc tệp không còn được lưu"),
        },
    )
    def get(self, request: Request, paper_id: int) -> FileResponse:
        user: User = request.user  # type: ignore[assignment]
        if paper_id > MAX_ID:
            raise NotFoundError(
                _("Không tìm thấy giấy tờ này trong “Giấy tờ của tôi”."), code="paper_not_found"
            )
        paper = paper_get_for_user(user=user, paper_id=paper_id, include_hidden=True)
        try:
            handle = paper.file.open("rb")
        except FileNotFoundError:
            raise NotFoundError(
                _("Giấy tờ “%(name)s” không còn được lưu trên hệ thống.") % {"name": paper.name},
                code="paper_missing",
            ) from None
        content_type = paper.content_type if paper.content_type in _FILE_TYPES else "application/octet-stream"
        return FileResponse(handle, as_attachment=True, filename=paper.file_name, content_type=content_type)
