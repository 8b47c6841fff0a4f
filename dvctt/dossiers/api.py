"""REST API for dossiers (/api/v1/dossiers/…): the same services as the web, one endpoint per move."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt.accounts.models import User
from dvctt.accounts.scopes import user_can_see_personal_ids
from dvctt.catalog.eforms import eform_data_masked
from dvctt.common.api import FieldsBuiltOnce, Pagination
from dvctt.common.errors import DomainError
from dvctt.common.masking import mask_id
from dvctt.common.text import FREE_TEXT_MAX_CHARS
from dvctt.common.throttle import tracking_throttle
from dvctt.dossiers import services
from dvctt.dossiers.api_papers import DocumentsMultipartInput, reused_papers_field, submission_documents
from dvctt.dossiers.models import ApplicantType, Dossier, DossierFile, ReturnMethod
from dvctt.dossiers.selectors import dossier_get_for_user, dossier_get_public, dossiers_visible_to
from dvctt.dossiers.services.core import actor_may
from dvctt.dossiers.states import MOVES, Channel, PaymentChannel, Status, moves_from


class EventSerializer(FieldsBuiltOnce, serializers.Serializer):
    seq = serializers.IntegerField()
    action = serializers.CharField()
    from_status = serializers.IntegerField(allow_null=True)
    to_status = serializers.IntegerField()
    actor_name = serializers.CharField()
    at = serializers.DateTimeField()


class SignatureSerializer(FieldsBuiltOnce, serializers.Serializer):
    """The verdict of the result's digital signature (docs/signing.md), as the officers' page shows it."""

    signed = serializers.BooleanField(
        allow_null=True, help_text="có chữ ký số (null: không kiểm tra được, verdict = error)"
    )
    verdict = serializers.ChoiceField(
        choices=["valid", "signed_untrusted", "signed_invalid", "unsigned", "error"],
        help_text="kết luận kiểm tra chữ ký số",
    )
    verdict_label = serializers.CharField(help_text="kết luận bằng lời (tiếng Việt)")
    problem = serializers.CharField(
        help_text="mã vấn đề đầu tiên (untrusted_root, expired, modified...); rỗng nếu không"
    )
    detail = serializers.CharField(help_text="chi tiết vấn đề")
    signer = serializers.CharField(help_text="người ký (CN của chứng thư; chữ ký mới nhất)")
    signer_serial = serializers.CharField(help_text="số hiệu chứng thư người ký")
    signed_at = serializers.DateTimeField(
        allow_null=True, help_text="thời điểm ký (dấu thời gian tin cậy nếu có, nếu không: giờ máy người ký)"
    )
    timestamped = serializers.BooleanField(help_text="thời điểm ký lấy từ dấu thời gian tin cậy")
    signatures = serializers.IntegerField(help_text="số chữ ký trên tệp")
    checked_at = serializers.DateTimeField(help_text="lúc kiểm tra")
    trust_revision = serializers.CharField(help_text="phiên bản danh sách chứng thư gốc tin cậy đã dùng")


class ResultFileSerializer(FieldsBuiltOnce, serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="tên kết quả")
    electronic = serializers.BooleanField(help_text="kết quả điện tử")
    stored = serializers.BooleanField(help_text="tệp được lưu trên nền tảng (có thể kiểm tra chữ ký)")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    signature = SignatureSerializer(
        allow_null=True,
        help_text="kết quả kiểm tra chữ ký số; null: chưa kiểm tra, tệp đã đổi sau lần kiểm tra, hoặc không lưu tệp",
    )


def result_files(dossier: Dossier) -> list[dict[str, Any]]:
    """The dossier's results with their signature verdicts. The verdicts come from the signing app (a layer
    above) through the ``DVCTT_RESULT_SIGNATURES`` hook: a dotted path to ``f(files) -> {file id: dict}``."""
    files = [f for f in dossier_files(dossier) if f.kind == DossierFile.Kind.RESULT]
    hook = getattr(settings, "DVCTT_RESULT_SIGNATURES", "")
    verdicts: dict[int, dict[str, Any]] = import_string(hook)(files) if hook and files else {}
    return [{**_stored_file(f), "electronic": f.electronic, "signature": verdicts.get(f.pk)} for f in files]


def _stored_file(f: DossierFile) -> dict[str, Any]:
    """What the answers say of any of the dossier's files (results and documents alike)."""
    return {
        "id": f.pk,
        "name": f.name,
        "stored": bool(f.file),
        "content_type": f.content_type,
        "size": f.size,
        "sha256": f.sha256,
        "uploaded_at": f.uploaded_at,
    }


def dossier_files(dossier: Dossier) -> list[DossierFile]:
    """All the dossier's files in order, read once per answer (results and documents share the read): the files
    a service just wrote are in hand (dossiers.services.core.relations_known), otherwise one query."""
    known = getattr(dossier, "_prefetched_objects_cache", {}).get("files")
    if known is not None:
        return sorted(known, key=lambda f: f.pk)
    read: list[DossierFile] | None = getattr(dossier, "_api_files", None)
    if read is None:
        read = list(dossier.files.order_by("id"))
        dossier._api_files = read  # type: ignore[attr-defined]
    return read


class DocumentSerializer(FieldsBuiltOnce, serializers.Serializer):
    """A document the applicant gave: a component of the dossier (uploaded, or a stored paper reused) or a
    supplement. The results are in ``results``."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(
        choices=[(k.value, k.label) for k in (DossierFile.Kind.COMPONENT, DossierFile.Kind.SUPPLEMENT)]
    )
    name = serializers.CharField(help_text="tên thành phần hồ sơ")
    stored = serializers.BooleanField(help_text="tệp được lưu trên nền tảng")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    reused_paper_id = serializers.IntegerField(
        allow_null=True,
        help_text="giấy tờ đã lưu được dùng lại (id trong /api/v1/papers/); null: tệp tải lên",
    )


def dossier_documents(dossier: Dossier) -> list[dict[str, Any]]:
    return [
        {**_stored_file(f), "kind": f.kind, "reused_paper_id": f.reused_from_id}
        for f in dossier_files(dossier)
        if f.kind != DossierFile.Kind.RESULT
    ]


class DossierSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    procedure_code = serializers.CharField(source="procedure.code")
    unit_code = serializers.CharField(source="unit.code")
    status_label = serializers.CharField()
    applicant_id_number = serializers.SerializerMethodField()
    parent_code = serializers.CharField()

    class Meta:
        model = Dossier
        fields = [
            "code",
            "procedure_code",
            "unit_code",
            "channel",
            "assisted",
            "status",
            "status_label",
            "outcome",
            "applicant_type",
            "applicant_name",
            "applicant_id_number",
            "submitted_at",
            "received_at",
            "due_at",
            "first_due_at",
            "ended_at",
            "returned_at",
            "paid_online",
            "fee_total",
            "digitised",
            "has_e_result",
            "sync_state",
            "has_complaint",
            "parent_code",
            "is_test",
            "version",
        ]
        # An answer, never an input: no validators to build (common/api.py, FieldsBuiltOnce).
        read_only_fields = fields

    def get_applicant_id_number(self, obj: Dossier) -> str:
        user = self.context["request"].user
        if obj.applicant_id == user.pk or user_can_see_personal_ids(user, obj.unit):
            return obj.applicant_id_number
        return mask_id(obj.applicant_id_number)


class DossierDetailSerializer(DossierSerializer):
    events = EventSerializer(many=True)
    form_data = serializers.SerializerMethodField()
    fees = serializers.JSONField()
    allowed_actions = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()

    class Meta(DossierSerializer.Meta):
        fields = [
            *DossierSerializer.Meta.fields,
            "form_data",
            "fees",
            "events",
            "allowed_actions",
            "results",
            "documents",
        ]
        read_only_fields = fields

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, obj: Dossier) -> list[dict[str, Any]]:
        """The components and supplements the applicant gave (uploaded or reused from their stored papers)."""
        return list(DocumentSerializer(dossier_documents(obj), many=True).data)

    @extend_schema_field(ResultFileSerializer(many=True))
    def get_results(self, obj: Dossier) -> list[dict[str, Any]]:
        """The results (electronic or paper), each with the verdict on its digital signature."""
        return list(ResultFileSerializer(result_files(obj), many=True).data)

    def get_form_data(self, obj: Dossier) -> dict[str, Any]:
        """The e-form as stored, its personal fields masked by the rule of the applicant's id number."""
        user = self.context["request"].user
        show = obj.applicant_id == user.pk or user_can_see_personal_ids(user, obj.unit)
        definition = obj.procedure_version.eform if obj.procedure_version is not None else []
        return eform_data_masked(definition, obj.form_data, show_personal=show)

    def get_allowed_actions(self, obj: Dossier) -> list[str]:
        """The moves the reader may make now: the state table, then the reader's role and unit."""
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        return [m.name for m in moves_from(obj.status) if actor_may(actor=user, move=m, dossier=obj)]


class PublicTrackSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure_name = serializers.CharField(source="procedure_version.name", allow_null=True)
    unit_name = serializers.CharField(source="unit.name")
    status = serializers.IntegerField()
    status_label = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    # Empty until the dossier reaches the step (received, appointed, ended, returned).
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)


class _SubmitInput(FieldsBuiltOnce, serializers.Serializer):
    procedure_code = serializers.CharField(max_length=40)
    unit_code = serializers.CharField(max_length=40)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.ONLINE)
    applicant_name = serializers.CharField(max_length=255)
    applicant_id_number = serializers.RegexField(r"^\d{9,12}$", required=False, allow_blank=True)
    applicant_type = serializers.ChoiceField(choices=ApplicantType.choices, default=ApplicantType.CITIZEN)
    applicant_phone = serializers.CharField(required=False, allow_blank=True, max_length=15)
    applicant_email = serializers.EmailField(required=False, allow_blank=True)
    form_data = serializers.JSONField(required=False)
    client_key = serializers.CharField(required=False, allow_blank=True, max_length=64)
    receive = serializers.BooleanField(default=False)
    reused_papers = reused_papers_field()


class _SubmitMultipartInput(DocumentsMultipartInput, _SubmitInput):  # type: ignore[misc]
    """The submission as multipart/form-data: the JSON one's fields (``form_data`` and ``reused_papers`` as JSON
    text parts, DocumentsMultipartInput's fields coming first), and the component files."""


class DossierList(APIView):
    permission_classes = [IsAuthenticated]
    # Paged by hand in get(); named here so that the schema documents the pages (page, page_size, count, …).
    pagination_class = Pagination
    # JSON, or multipart/form-data to carry the component files (the e-form then a JSON text part).
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        parameters=[
            OpenApiParameter("status", int, enum=Status.values, description="mã trạng thái 1–10"),
            OpenApiParameter("code", str, description="mã hồ sơ (chính xác)"),
        ],
        responses=DossierSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        qs = dossiers_visible_to(request.user).select_related("procedure", "unit")  # type: ignore[arg-type]
        status_param = request.query_params.get("status")
        if status_param:
            if not status_param.isdigit() or int(status_param) not in Status.values:
                raise DomainError(_("Trạng thái không hợp lệ."), fields={"status": [_("Từ 1 đến 10.")]})
            qs = qs.filter(status=int(status_param))
        if code := request.query_params.get("code"):
            qs = qs.filter(code=code.strip())
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs.order_by("-id"), request, view=self)
        return paginator.get_paginated_response(
            DossierSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        request={"application/json": _SubmitInput, "multipart/form-data": _SubmitMultipartInput},
        responses={
            201: DossierDetailSerializer,
            404: OpenApiResponse(
                description="giấy tờ dùng lại (reused_papers) không có, của người khác hoặc đã ẩn "
                "(paper_not_found)"
            ),
        },
    )
    def post(self, request: Request) -> Response:
        multipart = (request.content_type or "").startswith("multipart/")
        data = (_SubmitMultipartInput if multipart else _SubmitInput)(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = data.validated_data
        user: User = request.user  # type: ignore[assignment]
        uploads, reused = submission_documents(user=user, values=v)
        submission = services.Submission(
            procedure_code=v["procedure_code"],
            unit_code=v["unit_code"],
            channel=v["channel"],
            applicant=services.Applicant(
                name=v["applicant_name"],
                id_number=v.get("applicant_id_number", ""),
                applicant_type=v["applicant_type"],
                phone=v.get("applicant_phone", ""),
                email=v.get("applicant_email", ""),
            ),
            form_data=v.get("form_data") or {},
            components=uploads,
            reused=reused,
            client_key=v.get("client_key", ""),
        )
        if v["receive"]:
            dossier = services.dossier_intake(actor=user, submission=submission)
            dossier = dossier_get_for_user(user=user, code=dossier.code)
        else:
            # The dossier the service just wrote for this user (or, on a retry with the same client key, theirs):
            # answered as it is, its procedure, units and first event already in hand, with no second read.
            dossier = services.dossier_submit(actor=user, submission=submission)
        return Response(DossierDetailSerializer(dossier, context={"request": request}).data, status=201)


class DossierDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DossierDetailSerializer)
    def get(self, request: Request, code: str) -> Response:
        dossier = dossier_get_for_user(user=request.user, code=code)  # type: ignore[arg-type]
        return Response(DossierDetailSerializer(dossier, context={"request": request}).data)


def _free_text() -> serializers.CharField:
    """A note, reason or content: a few pages at most (a 2.4 MB text used to be accepted)."""
    return serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=FREE_TEXT_MAX_CHARS,
        error_messages={"max_length": gettext_lazy("Tối đa {max_length} ký tự.")},
    )


class _ActionInput(serializers.Serializer):
    expected_version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    reasons = _free_text()
    reason = _free_text()
    content = _free_text()
    note = _free_text()
    deadline = serializers.DateTimeField(required=False)
    second_request_reason = _free_text()
    new_due_at = serializers.DateTimeField(required=False)
    amount = serializers.IntegerField(required=False, min_value=0, max_value=10**12)
    payment_channel = serializers.ChoiceField(choices=PaymentChannel.choices, required=False)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=255)
    method = serializers.ChoiceField(choices=ReturnMethod.choices, required=False)
    assignee = serializers.CharField(required=False, allow_blank=True, max_length=150)
    to_units = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=50
    )
    results = serializers.ListField(
        child=serializers.CharField(max_length=255), required=False, max_length=50
    )
    satisfied = serializers.BooleanField(required=False)
    level = serializers.ChoiceField(choices=[3, 2, 1], required=False)
    outcome = serializers.ChoiceField(choices=["approve", "refuse"], required=False)


def _require(values: dict[str, Any], *names: str) -> None:
    missing = [n for n in names if values.get(n) in (None, "")]
    if missing:
        raise DomainError(
            _("Thiếu thông tin: %(names)s.") % {"names": ", ".join(missing)},
            fields={n: [_("Bắt buộc.")] for n in missing},
        )


def _run_action(action: str, dossier: Dossier, actor: User, v: dict[str, Any]) -> Dossier:
    common: dict[str, Any] = {
        "dossier_id": dossier.pk,
        "actor": actor,
        "expected_version": v.get("expected_version"),
    }
    if action == "receive":
        return services.dossier_receive(**common)
    if action == "refuse_acceptance":
        return services.dossier_refuse_acceptance(**common, reasons=v.get("reasons", ""))
    if action == "request_supplement":
        return services.dossier_request_supplement(
            **common,
            content=v.get("content", ""),
            deadline=v.get("deadline"),
            second_request_reason=v.get("second_request_reason", ""),
        )
    if action == "answer_supplement":
        return services.dossier_answer_supplement(**common, note=v.get("note", ""))
    if action == "forward":
        assignee = None
        if v.get("assignee"):
            assignee = User.objects.filter(username=v["assignee"]).first()
            if assignee is None:
                raise DomainError(_("Không có cán bộ %(u)s.") % {"u": v["assignee"]}, fields={"assignee": []})
        return services.dossier_forward(
            **common, assignee=assignee, to_unit_codes=v.get("to_units"), note=v.get("note", "")
        )
    if action == "request_financial_obligation":
        _require(v, "amount")
        return services.dossier_request_financial_obligation(
            **common, amount=v["amount"], content=v.get("content", "")
        )
    if action == "record_payment":
        _require(v, "amount")
        return services.dossier_record_payment(
            **common,
            amount=v["amount"],
            channel=v.get("payment_channel", PaymentChannel.NONE),
            reference=v.get("reference", ""),
        )
    if action == "approve":
        results = [services.ResultDocument(name=n) for n in v.get("results", [])]
        return services.dossier_approve(**common, results=results, note=v.get("note", ""))
    if action == "refuse":
        return services.dossier_refuse(**common, reasons=v.get("reasons", ""))
    if action == "stop":
        return services.dossier_stop(**common, reasons=v.get("reasons", ""))
    if action == "request_withdrawal":
        return services.dossier_request_withdrawal(**common, reason=v.get("reason", ""))
    if action == "accept_withdrawal":
        return services.dossier_accept_withdrawal(**common)
    if action == "reject_withdrawal":
        return services.dossier_reject_withdrawal(**common, reason=v.get("reason", ""))
    if action == "draft_apology":
        _require(v, "new_due_at")
        return services.dossier_draft_apology(
            **common, new_due_at=v["new_due_at"], reason=v.get("reason", "")
        )
    if action == "apologise":  # without new_due_at: the open draft is issued
        return services.dossier_apologise(
            **common, new_due_at=v.get("new_due_at"), reason=v.get("reason", "")
        )
    if action == "propose_result":
        _require(v, "outcome")
        names: list[str] = v.get("results") or []
        return services.dossier_propose_result(
            **common,
            outcome=v["outcome"],
            result_name=names[0] if names else "",
            reasons=v.get("reasons", ""),
            note=v.get("note", ""),
        )
    if action == "return_proposal":
        return services.dossier_return_proposal(**common, note=v.get("note", ""))
    if action == "return_result":
        return services.dossier_return_result(**common, method=v.get("method", ReturnMethod.COUNTER))
    if action == "rate":
        if v.get("level") is None:
            _require(v, "satisfied")
        return services.dossier_rate(
            dossier_id=dossier.pk,
            actor=actor,
            level=v.get("level"),
            satisfied=v.get("satisfied"),
            comment=v.get("note", ""),
        )
    raise DomainError(_("Không có thao tác “%(a)s”.") % {"a": action}, code="unknown_action")


# Moves the API exposes (submission has its own endpoint; expiry and "not collected" are the periodic job's).
ACTIONS = [name for name in MOVES if name not in {"submit", "expire_supplement", "mark_uncollected"}] + [
    "rate"
]


class DossierAction(APIView):
    """One move of the state machine. 409 when the move is illegal now or the dossier moved meanwhile."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=_ActionInput,
        responses={
            200: DossierDetailSerializer,
            409: OpenApiResponse(
                description="thao tác không hợp lệ ở trạng thái hiện tại, hoặc hồ sơ vừa được người khác "
                "thay đổi (expected_version)"
            ),
        },
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=ACTIONS)],
    )
    def post(self, request: Request, code: str, action: str) -> Response:
        if action not in ACTIONS:
            raise DomainError(_("Không có thao tác “%(a)s”.") % {"a": action}, code="unknown_action")
        data = _ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        user: User = request.user  # type: ignore[assignment]
        dossier = dossier_get_for_user(user=user, code=code)
        _run_action(action, dossier, user, data.validated_data)
        dossier = dossier_get_for_user(user=user, code=code)
        return Response(
            DossierDetailSerializer(dossier, context={"request": request}).data, status=status.HTTP_200_OK
        )


class DossierTrack(APIView):
    """Public, exact lookup by code: status and dates only, no personal data."""

    permission_classes = [AllowAny]
    throttle_scope = "anon"

    @extend_schema(responses={200: PublicTrackSerializer, 404: None, 429: None})
    def get(self, request: Request, code: str) -> Response:
        tracking_throttle(request)  # codes can be guessed: one budget per address, shared with the page
        return Response(PublicTrackSerializer(dossier_get_public(code=code)).data)
