"""The KPI API: GET /api/v1/kpi/ (the Output object of spec/indicators.md), restatements of frozen periods."""

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

from dvctt.accounts.models import PROVINCE_ROLES, Role
from dvctt.accounts.scopes import unit_ids_in_scope
from dvctt.agencies.models import Unit
from dvctt.common.errors import AccessDenied, NotFoundError
from dvctt.monitoring.assisted import kpi_assisted
from dvctt.monitoring.kpi import UNITS_MODES, kpi_compute
from dvctt.monitoring.snapshots import kpi_compare_with_snapshot, kpi_snapshot_get


class KpiParams(serializers.Serializer):
    # "from" is a Python keyword: the field is set under its query-string name through the class namespace.
    vars()["from"] = serializers.DateField(
        input_formats=["iso-8601"], help_text=gettext_lazy("Ngày đầu kỳ (YYYY-MM-DD)")
    )
    to = serializers.DateField(
        input_formats=["iso-8601"], help_text=gettext_lazy("Ngày cuối kỳ (YYYY-MM-DD)")
    )
    units = serializers.ChoiceField(
        choices=UNITS_MODES,
        default="period",
        help_text=gettext_lazy("period: đơn vị như trong kỳ; current: gộp vào đơn vị hiện nay"),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError(
                {"from": [_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")]}
            )
        return attrs


def _params(request: Request) -> dict[str, Any]:
    params = KpiParams(data=request.query_params)
    params.is_valid(raise_exception=True)
    return dict(params.validated_data)


def kpi_visible_units(user: Any) -> set[str] | None:
    """Unit codes whose figures ``user`` may read; None for all. Raises AccessDenied for other roles."""
    if user.is_superuser or user.role in PROVINCE_ROLES:
        return None
    if user.role == Role.UNIT_LEADER:
        scope = unit_ids_in_scope(user) or set()
        return set(Unit.objects.filter(pk__in=scope).values_list("code", flat=True))
    raise AccessDenied(_("Bạn không có quyền xem số liệu chỉ số."))


def _restrict(data: dict[str, Any], visible: set[str] | None) -> dict[str, Any]:
    if visible is None:
        return data
    return {**data, "units": {code: f for code, f in data["units"].items() if code in visible}}


def _figure(name: str, help_text: str) -> serializers.Serializer:
    return inline_serializer(
        name=name,
        fields={
            "numerator": serializers.IntegerField(allow_null=True),
            "denominator": serializers.IntegerField(allow_null=True),
            "value": serializers.FloatField(allow_null=True, help_text=help_text),
        },
    )


ASSISTED_HELP = (
    "Not an indicator of spec/indicators.md, and it changes none (online_dossier_rate still counts every online "
    "dossier): numerator = online dossiers received in the period that an officer filed on the applicant's "
    "behalf (Dossier.assisted), denominator = online dossiers received in the period (online_dossier_rate's "
    "numerator), value = their ratio rounded half up to 4 decimals (null when there is no online dossier)."
)
KPI_RESPONSE = inline_serializer(
    name="KpiOutput",
    fields={
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "province": serializers.DictField(
            child=_figure("KpiFigure", "ratio rounded half up to 4 decimals; null for a zero denominator"),
            help_text="{indicator code: figure} (spec/indicators.md, Output)",
        ),
        "units": serializers.DictField(
            child=serializers.DictField(child=_figure("KpiUnitFigure", "as the province's")),
            help_text="{unit code: {indicator code: figure}}",
        ),
        "assisted": inline_serializer(
            name="KpiAssistedShare",
            help_text="Extra field: the assisted share of online dossiers. " + ASSISTED_HELP,
            fields={
                "province": _figure("KpiAssistedFigure", ASSISTED_HELP),
                "units": serializers.DictField(
                    child=_figure("KpiAssistedUnitFigure", ASSISTED_HELP),
                    help_text="{unit code: figure}, the same units as ``units``",
                ),
            },
        ),
    },
)


class KpiApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Indicators of a period (spec/indicators.md, Output), with the assisted share as an extra field",
        parameters=[KpiParams],
        responses={
            200: OpenApiResponse(
                response=KPI_RESPONSE,
                description="{from, to, province, units} exactly as spec/indicators.md's Output, plus "
                "``assisted`` {province, units}: the share of online dossiers an officer filed for the applicant",
            ),
            400: None,
            403: None,
        },
    )
    def get(self, request: Request) -> Response:
        visible = kpi_visible_units(request.user)
        params = _params(request)
        span = {"date_from": params["from"], "date_to": params["to"], "units_mode": params["units"]}
        data = kpi_compute(**span)
        data["assisted"] = _restrict(kpi_assisted(**span), visible)
        return Response(_restrict(data, visible))


class KpiRestatementsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Frozen figures of a closed period that the data now gives differently",
        parameters=[KpiParams],
        responses={
            200: OpenApiResponse(description="{snapshot, restatements}"),
            400: None,
            403: None,
            404: None,
        },
    )
    def get(self, request: Request) -> Response:
        visible = kpi_visible_units(request.user)
        params = _params(request)
        snapshot = kpi_snapshot_get(
            date_from=params["from"], date_to=params["to"], units_mode=params["units"]
        )
        if snapshot is None:
            raise NotFoundError(_("Kỳ này chưa được chốt số liệu."))
        rows = [
            r.as_dict()
            for r in kpi_compare_with_snapshot(snapshot=snapshot)
            if visible is None or r.unit is None or r.unit in visible
        ]
        return Response(
            {
                "snapshot": {
                    "from": snapshot.date_from.isoformat(),
                    "to": snapshot.date_to.isoformat(),
                    "units": snapshot.units_mode,
                    "frozen_at": snapshot.frozen_at.isoformat(),
                    "frozen_by": str(snapshot.frozen_by) if snapshot.frozen_by else None,
                },
                "restatements": rows,
            }
        )
