"""The catalogue's public API: search, one procedure with its versions, fields. Thin adapters over selectors."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt.catalog.models import DossierComponent, FeeLine, Field, OnlineLevel, ProcedureVersion
from dvctt.catalog.selectors import (
    ProcedureDisplay,
    field_list,
    procedure_get_for_display,
    procedure_search,
    procedure_search_page_rows,
)
from dvctt.common.api import Pagination
from dvctt.common.openapi import ERROR


class SearchParams(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_("Từ khóa hoặc mã thủ tục")
    )
    field = serializers.CharField(required=False, allow_blank=True, max_length=40, help_text=_("Mã lĩnh vực"))
    unit = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text=_("Mã đơn vị thực hiện")
    )
    online_level = serializers.ChoiceField(
        choices=OnlineLevel.choices, required=False, help_text=_("Mức độ: 2, 3, 4")
    )
    on = serializers.DateField(required=False, help_text=_("Danh mục tại ngày (ISO, mặc định hôm nay)"))


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["code", "name"]


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class ProcedureRowSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="procedure.code")
    field = FieldSerializer(allow_null=True)
    units = UnitRefSerializer(many=True)

    class Meta:
        model = ProcedureVersion
        fields = [
            "code",
            "name",
            "field",
            "online_level",
            "eligible_full_process",
            "integrated_national",
            "level_province",
            "level_district",
            "level_commune",
            "valid_from",
            "units",
        ]


class ComponentSerializer(serializers.ModelSerializer):
    template_url = serializers.SerializerMethodField()

    class Meta:
        model = DossierComponent
        fields = ["name", "required", "copies", "template_url"]

    def get_template_url(self, obj: DossierComponent) -> str | None:
        return obj.template.url if obj.template else None


class FeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeLine
        fields = ["name", "amount", "note"]


class VersionRefSerializer(serializers.Serializer):
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    abolished_after = serializers.DateField(allow_null=True)
    name = serializers.CharField()
    online_level = serializers.IntegerField()
    integrated_national = serializers.BooleanField()


class ProcedureDetailSerializer(ProcedureRowSerializer):
    components = ComponentSerializer(many=True)
    fees = FeeSerializer(many=True)
    in_force = serializers.BooleanField()
    abolished_after = serializers.DateField(allow_null=True)
    versions = VersionRefSerializer(many=True)

    class Meta(ProcedureRowSerializer.Meta):
        fields = [
            *ProcedureRowSerializer.Meta.fields,
            "in_force",
            "abolished_after",
            "time_limit",
            "time_limit_unit",
            "time_limit_by_channel",
            "offers_postal",
            "has_fees",
            "fees",
            "result_is_document",
            "result_document_name",
            "steps",
            "legal_basis",
            "components",
            "eform",
            "versions",
        ]


def _detail_payload(display: ProcedureDisplay) -> dict[str, Any]:
    version = display.version
    version.in_force = display.in_force  # type: ignore[attr-defined]
    version.versions = [  # type: ignore[attr-defined]
        {
            "valid_from": v.valid_from,
            "valid_until": display.valid_until(v),
            "abolished_after": v.abolished_after,
            "name": v.name,
            "online_level": v.online_level,
            "integrated_national": v.integrated_national,
        }
        for v in display.versions
    ]
    return ProcedureDetailSerializer(version).data


class ProcedureListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = ProcedureRowSerializer
    pagination_class = Pagination
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[ProcedureVersion]:
        if getattr(self, "swagger_fake_view", False):
            return ProcedureVersion.objects.none()
        params = SearchParams(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        qs = procedure_search(
            query=data.get("q", ""),
            field=data.get("field") or None,
            unit=data.get("unit") or None,
            online_level=int(data["online_level"]) if data.get("online_level") else None,
            on=data.get("on"),
        )
        return procedure_search_page_rows(qs)

    @extend_schema(
        operation_id="procedures_list",
        summary="Tìm thủ tục hành chính",
        parameters=[SearchParams],
        responses={200: ProcedureRowSerializer(many=True), 400: OpenApiResponse(ERROR)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ProcedureDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="procedures_retrieve",
        summary="Một thủ tục: phiên bản đang có hiệu lực và danh sách phiên bản",
        responses={200: ProcedureDetailSerializer, 404: OpenApiResponse(ERROR)},
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(_detail_payload(procedure_get_for_display(code=code)))


class FieldListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="fields_list", summary="Danh sách lĩnh vực", responses={200: FieldSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        return Response(FieldSerializer(field_list(), many=True).data)
