"""The report API: GET /api/v1/reports/form06/ and /api/v1/reports/form07a/ (spec/reports.md's Output object).

Same figures as `dvctt report` and the report page (reports.selectors); dates in ISO (YYYY-MM-DD); errors in the
project's shape ``{"error": {"code", "message", "fields"}}``. A unit leader gets the report of their unit and its
sub-units (``province`` is then their total); monitors, PPC leaders and admins the province's.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt.reports import figures as f
from dvctt.reports.selectors import report_for, report_scope_for


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
