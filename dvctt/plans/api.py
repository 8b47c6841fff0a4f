"""REST adapters: plans and their targets, national-index and PAR-index scores (read-only).

Open to the province-wide roles (monitor, PPC leader, admin) and superusers; others get 403.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt.accounts.models import PROVINCE_ROLES
from dvctt.plans import selectors
from dvctt.plans.models import Plan, Target

UNITS_PARAM = OpenApiParameter(
    "units",
    OpenApiTypes.STR,
    enum=["period", "current"],
    description="period: units as they were; current: ended units folded into today's",
)

YEAR = {"type": "integer", "minimum": 2000, "maximum": 2100}


class IsProvinceOfficial(BasePermission):
    message = _("Chỉ cán bộ theo dõi, lãnh đạo UBND tỉnh và quản trị được xem kế hoạch và điểm số.")

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (user.is_superuser or user.role in PROVINCE_ROLES))


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = [
            "id",
            "name",
            "decision_number",
            "decision_date",
            "signer",
            "start_year",
            "end_year",
            "note",
        ]


class TargetSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(
        source="unit.code", allow_null=True, read_only=True, help_text="Unit code; null for the province."
    )
    value = serializers.DecimalField(max_digits=5, decimal_places=4, coerce_to_string=False)

    class Meta:
        model = Target
        fields = ["indicator", "year", "unit", "value", "kind"]


class YearQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)


class PeriodQuery(serializers.Serializer):
    # "from" is a keyword: declared below through the fields mapping.
    to = serializers.DateField()
    units = serializers.ChoiceField(choices=["period", "current"], required=False, default="period")

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError(
                {
                    "from": [
                        _("Ngày bắt đầu %(f)s sau ngày kết thúc %(t)s.")
                        % {"f": attrs["from"], "t": attrs["to"]}
                    ]
                }
            )
        return attrs


class ParQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    units = serializers.ChoiceField(choices=["period", "current"], required=False, default="period")


class PlanListApi(ListAPIView):
    permission_classes = [IsProvinceOfficial]
    serializer_class = PlanSerializer

    def get_queryset(self) -> QuerySet[Plan]:
        return Plan.objects.order_by("-start_year", "decision_number")

    @extend_schema(summary="Plans (kế hoạch)")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class PlanTargetsApi(ListAPIView):
    permission_classes = [IsProvinceOfficial]
    serializer_class = TargetSerializer

    def get_queryset(self) -> QuerySet[Target]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator, without a plan in the path
            return Target.objects.none()
        query = YearQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        plan = selectors.plan_get(plan_id=int(self.kwargs["plan_id"]))
        return selectors.targets_of(plan=plan, year=query.validated_data.get("year"))

    @extend_schema(
        summary="Targets of a plan (province when unit is null), values as fractions",
        parameters=[OpenApiParameter("year", YEAR)],
        responses={200: TargetSerializer(many=True), 400: OpenApiResponse(), 404: OpenApiResponse()},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class IndexScoresApi(APIView):
    permission_classes = [IsProvinceOfficial]

    @extend_schema(
        summary="National index (Decision 766) scores per group and in total, province and units",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            UNITS_PARAM,
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiResponse(), 503: OpenApiResponse()},
    )
    def get(self, request: Request) -> Response:
        query = PeriodQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        date_from: date = data["from"]
        return Response(
            selectors.index_scores_for(date_from=date_from, date_to=data["to"], units_mode=data["units"])
        )


class ParScoresApi(APIView):
    permission_classes = [IsProvinceOfficial]

    @extend_schema(
        summary="PAR-index scores on online services for a year, province and units",
        parameters=[OpenApiParameter("year", YEAR, required=True), UNITS_PARAM],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiResponse(), 503: OpenApiResponse()},
    )
    def get(self, request: Request) -> Response:
        query = ParQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(
            selectors.par_scores_for(
                year=query.validated_data["year"], units_mode=query.validated_data["units"]
            )
        )
