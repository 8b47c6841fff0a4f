"""The report API: GET /api/v1/reports/form06/ and /api/v1/reports/form07a/ (spec/reports.md's Output object).

Same figures as `dvctt report` and the report page (reports.selectors); dates in ISO (YYYY-MM-DD); errors in the
project's shape ``{"error": {"code", "message", "fields"}}``. A unit leader gets the report of their unit and its
sub-units (``province`` is then their total); monitors, PPC leaders and admins the province's.
"""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt.common.errors import NotFoundError
from dvctt.reports import figures as f
from dvctt.reports.models import PeriodicReport, ReportState
from dvctt.reports.selectors import report_for, report_scope_for
from dvctt.reports.workflow import moves_for, report_create, report_move, reports_visible_to


class ReportParams(serializers.Serializer):
    # "from" is a Python keyword: the field is set under its query-string name through the class namespace.
    vars()["from"] = serializers.DateField(
        input_formats=["iso-8601"], help_text=gettext_lazy("Ngày đầu kỳ (YYYY-MM-DD)")
    )
    to = serializers.DateField(
        input_formats=["iso-8601"], help_text=gettext_lazy("Ngày cuối kỳ (YYYY-MM-DD)")
    )
    units = serializers.ChoiceField(
        choices=f.UNITS_MODES,
        default="period",
        help_text=gettext_lazy(
            "period: đơn vị như trong kỳ; current: gộp vào đơn vị hiện nay (biểu 07a không dùng)"
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError(
                {"from": [_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")]}
            )
        return attrs


ColumnsSerializer = inline_serializer(
    name="ReportColumns",
    fields={column: serializers.IntegerField() for column in f.COLUMNS},
)

ReportSerializer = inline_serializer(
    name="Report",
    fields={
        "form": serializers.ChoiceField(choices=f.FORMS),
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "units": serializers.ChoiceField(choices=f.UNITS_MODES),
        "province": ColumnsSerializer,
        "rows": serializers.DictField(
            child=ColumnsSerializer,
            help_text=gettext_lazy('Theo mã đơn vị (biểu 06) hoặc mã lĩnh vực (biểu 07a; "" khi không có)'),
        ),
    },
)

ERROR = OpenApiResponse(description='{"error": {"code", "message", "fields"}}')


class _ReportApi(APIView):
    permission_classes = [IsAuthenticated]
    form = f.FORM_UNITS

    def get(self, request: Request) -> Response:
        scope = report_scope_for(request.user)
        params = ReportParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        return Response(
            report_for(
                scope=scope,
                form=self.form,
                date_from=data["from"],
                date_to=data["to"],
                units_mode=data["units"],
            )
        )


class Form06Api(_ReportApi):
    form = f.FORM_UNITS

    @extend_schema(
        summary="Form 06: handling of procedures by unit (spec/reports.md, Output)",
        parameters=[ReportParams],
        responses={200: ReportSerializer, 400: ERROR, 403: ERROR},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class Form07aApi(_ReportApi):
    form = f.FORM_FIELDS

    @extend_schema(
        summary="Form 07a: handling of procedures by field (spec/reports.md, Output)",
        parameters=[ReportParams],
        responses={200: ReportSerializer, 400: ERROR, 403: ERROR},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


# --- stored reports and their path: draft → submitted → received → approved (reports.workflow) -------------------


class StoredEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = serializers.CharField(source="actor.username")
    at = serializers.DateTimeField()
    note = serializers.CharField()


class StoredReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    form = serializers.ChoiceField(choices=f.FORMS)
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    units = serializers.CharField(source="units_mode")
    unit = serializers.SerializerMethodField(help_text=gettext_lazy("Mã đơn vị báo cáo; null: toàn tỉnh"))
    state = serializers.ChoiceField(choices=ReportState.choices)
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(source="created_by.username")
    figures = serializers.JSONField(
        source="data", help_text=gettext_lazy("Số liệu lưu khi gửi (null khi là dự thảo)")
    )
    moves = serializers.SerializerMethodField(help_text=gettext_lazy("Thao tác người gọi được làm lúc này"))
    events = StoredEventSerializer(many=True, source="events.all")

    def get_unit(self, report: PeriodicReport) -> str | None:
        return report.unit.code if report.unit is not None else None

    def get_moves(self, report: PeriodicReport) -> list[str]:
        return [m.name for m in moves_for(actor=self.context["request"].user, report=report)]


class StoredCreateSerializer(serializers.Serializer):
    form = serializers.ChoiceField(choices=f.FORMS)
    date_from = serializers.DateField(input_formats=["iso-8601"])
    date_to = serializers.DateField(input_formats=["iso-8601"])
    units = serializers.ChoiceField(choices=f.UNITS_MODES, default="period")


class MoveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


def _visible(request: Request) -> Any:
    report_scope_for(request.user)  # AccessDenied (403) for roles without reports
    return reports_visible_to(request.user).prefetch_related("events__actor")


def _stored(request: Request, report_id: int) -> PeriodicReport:
    report = _visible(request).filter(pk=report_id).first()
    if report is None:
        raise NotFoundError(_("Không có báo cáo này, hoặc bạn không được xem."))
    return report


class StoredReportListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Stored reports the caller may read (a unit leader: their scope's; the province's roles: all)",
        responses={200: StoredReportSerializer(many=True), 403: ERROR},
    )
    def get(self, request: Request) -> Response:
        reports = list(_visible(request)[:200])
        return Response(StoredReportSerializer(reports, many=True, context={"request": request}).data)

    @extend_schema(
        summary="Store a draft of form 06/07a for a period (a unit leader: their unit's; a monitor: the province's)",
        request=StoredCreateSerializer,
        responses={201: StoredReportSerializer, 400: ERROR, 403: ERROR, 409: ERROR},
    )
    def post(self, request: Request) -> Response:
        params = StoredCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        report = report_create(
            actor=request.user,
            form=data["form"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            units_mode=data["units"],
        )
        return Response(
            StoredReportSerializer(_stored(request, report.pk), context={"request": request}).data, status=201
        )


class StoredReportDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="One stored report with its history",
        responses={200: StoredReportSerializer, 403: ERROR, 404: ERROR},
    )
    def get(self, request: Request, report_id: int) -> Response:
        return Response(
            StoredReportSerializer(_stored(request, report_id), context={"request": request}).data
        )


class StoredReportMoveApi(APIView):
    """submit (the unit's leader; a monitor for a province report), receive and return (the department: monitor,
    admin), approve (monitor, PPC leader, admin); the same service as the page's buttons (reports.workflow)."""

    permission_classes = [IsAuthenticated]
    action_name = ""

    def post(self, request: Request, report_id: int) -> Response:
        report = _stored(request, report_id)
        params = MoveSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        report_move(
            report_id=report.pk,
            actor=request.user,
            action=self.action_name,
            note=params.validated_data["note"],
        )
        return Response(
            StoredReportSerializer(_stored(request, report_id), context={"request": request}).data
        )


MOVE_RESPONSES = {
    200: StoredReportSerializer,
    400: ERROR,
    403: OpenApiResponse(description='Not allowed for this role: {"error": {"code": "permission_denied"}}'),
    404: ERROR,
    409: OpenApiResponse(description='Not from the report\'s state: {"error": {"code": "illegal_move"}}'),
}


def _move_view(name: str, summary: str) -> Any:
    """A view of one move, with its own documented operation (drf-spectacular keeps the schema on the function)."""

    def post(self: StoredReportMoveApi, request: Request, report_id: int) -> Response:
        return StoredReportMoveApi.post(self, request, report_id)

    post = extend_schema(
        summary=summary,
        operation_id=f"reports_stored_{name}",
        request=MoveSerializer,
        responses=MOVE_RESPONSES,
    )(post)
    view = type(
        f"StoredReport{name.capitalize()}Api", (StoredReportMoveApi,), {"action_name": name, "post": post}
    )
    return cast(Any, view).as_view()


SubmitApi = _move_view("submit", "Submit a draft (the unit's leader): its figures are stored")
ReceiveApi = _move_view("receive", "Receive a submitted report (the department)")
ApproveApi = _move_view("approve", "Approve a received report (monitor, PPC leader): its figures are frozen")
ReturnApi = _move_view("return", "Return a submitted or received report to draft (the department)")
