"""REST adapters for units: read-only, public (the unit list is public information)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt.agencies.models import Unit, UnitLevel
from dvctt.agencies.selectors import unit_detail, units_in_force
from dvctt.common.errors import NotFoundError
from dvctt.common.openapi import ERROR


class UnitLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["code", "name"]


class UnitSerializer(serializers.ModelSerializer):
    # "parent" shadows Field.parent in the stubs only; DRF declares fields by name, so this is what we mean.
    parent = serializers.CharField(source="parent.code", read_only=True, allow_null=True)  # type: ignore[assignment]
    successor = serializers.CharField(source="successor.code", read_only=True, allow_null=True)

    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "level",
            "parent",
            "valid_from",
            "valid_to",
            "successor",
            "address",
            "phone",
            "email",
        ]


class UnitDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=UnitLevel.choices)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    address = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    parent = UnitLinkSerializer(allow_null=True)
    successor = UnitLinkSerializer(allow_null=True)
    heir = UnitLinkSerializer(
        allow_null=True, help_text="Today's unit that carries on this one (null: none)."
    )
    children = UnitLinkSerializer(many=True)
    predecessors = UnitLinkSerializer(many=True)


def parse_day(value: str | None, *, name: str = "on") -> date:
    """An ISO day from a query parameter; absent means today (Asia/Ho_Chi_Minh)."""
    if not value:
        return timezone.localdate()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            {name: [_("Ngày không hợp lệ: %(value)s (cần dạng YYYY-MM-DD).") % {"value": value}]}
        ) from None


@extend_schema(
    summary="Units in force on a day",
    parameters=[
        OpenApiParameter("on", OpenApiTypes.DATE, description="Day (YYYY-MM-DD); default today."),
        OpenApiParameter("level", OpenApiTypes.STR, enum=UnitLevel.values, description="Only this level."),
    ],
    responses={200: UnitSerializer(many=True), 400: ERROR},
)
class UnitListApi(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = UnitSerializer
    filter_backends: list = []

    def get_queryset(self):
        on = parse_day(self.request.query_params.get("on"))
        level = self.request.query_params.get("level") or None
        if level is not None and level not in UnitLevel.values:
            raise ValidationError(
                {"level": [_("Cấp không hợp lệ: %(value)s (tinh, so, huyen, xa).") % {"value": level}]}
            )
        return units_in_force(on=on, level=level).select_related("parent", "successor").order_by("code")


class UnitDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="One unit with parent, children, predecessors, successor and heir",
        responses={200: UnitDetailSerializer, 404: ERROR},
    )
    def get(self, request: Request, code: str) -> Response:
        detail = unit_detail(code=code)
        if detail is None:
            raise NotFoundError(_("Không tìm thấy đơn vị mã %(code)s.") % {"code": code})
        unit = detail.unit
        data = {
            "code": unit.code,
            "name": unit.name,
            "level": unit.level,
            "valid_from": unit.valid_from,
            "valid_to": unit.valid_to,
            "address": unit.address,
            "phone": unit.phone,
            "email": unit.email,
            "parent": detail.parent,
            "successor": detail.successor,
            "heir": detail.heir,
            "children": detail.children,
            "predecessors": detail.predecessors,
        }
        return Response(UnitDetailSerializer(data).data)
