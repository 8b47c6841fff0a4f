"""REST adapters of the register of communication activities (docs/outreach.md, "API").

``GET /api/v1/outreach/activities/`` lists the reader's activities (their scope: a unit's officials their units,
the province's roles every unit), filtered as the page filters them; ``POST`` records one through the same service
as the form (files are attached on the page). ``GET /api/v1/outreach/activities/counts/`` gives the counts per unit
and channel of a period. Dates in ISO (YYYY-MM-DD); errors in the project's shape.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt.common.api import Pagination
from dvctt.common.errors import DomainError
from dvctt.plans.dashboards.periods import custom_period

from . import access, selectors, services
from .models import MAX_REACH, Audience, Channel, CommunicationActivity

ERROR = OpenApiResponse(description='{"error": {"code", "message", "fields"}}')


class IsOfficial(BasePermission):
    message = gettext_lazy(
        "Chỉ cán bộ các cơ quan, đơn vị và cán bộ theo dõi dùng được sổ hoạt động truyền thông."
    )

    def has_permission(self, request: Any, view: Any) -> bool:
        return access.is_official(request.user)


class ActivitySerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True, help_text="Unit code")
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    files = serializers.SerializerMethodField()

    class Meta:
        model = CommunicationActivity
        fields = [
            "id",
            "unit",
            "unit_name",
            "date",
            "channel",
            "title",
            "summary",
            "audience",
            "reach",
            "place",
            "links",
            "files",
            "recorded_by",
            "created_at",
            "updated_at",
        ]

    def get_files(self, obj: CommunicationActivity) -> list[str]:
        return [f.name for f in obj.files.all()]


class ActivityCreateSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=40, help_text=gettext_lazy("Mã đơn vị"))
    date = serializers.DateField(input_formats=["iso-8601"])
    channel = serializers.ChoiceField(choices=Channel.choices)
    title = serializers.CharField(max_length=255)
    audience = serializers.ChoiceField(choices=Audience.choices)
    reach = serializers.IntegerField(min_value=0, max_value=MAX_REACH)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    links = serializers.ListField(
        child=serializers.CharField(max_length=500),
        required=False,
        default=list,
        max_length=services.MAX_LINKS,
    )


class ActivityQuery(serializers.Serializer):
    unit = serializers.CharField(required=False, allow_blank=True, max_length=40)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    to = serializers.DateField(required=False, input_formats=["iso-8601"])
    vars()["from"] = serializers.DateField(required=False, input_formats=["iso-8601"])

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("from"), attrs.get("to")
        if (start is None) != (end is None):
            raise serializers.ValidationError(
                {"from": [_("Cần cả ngày bắt đầu (from) và ngày kết thúc (to).")]}
            )
        if start and end and start > end:
            raise serializers.ValidationError(
                {"from": [_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")]}
            )
        return attrs


class CountsQuery(serializers.Serializer):
    to = serializers.DateField(input_formats=["iso-8601"])
    vars()["from"] = serializers.DateField(input_formats=["iso-8601"])
    unit = serializers.CharField(required=False, allow_blank=True, max_length=40)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError(
                {"from": [_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")]}
            )
        return attrs


QUERY_PARAMETERS = [
    OpenApiParameter("unit", OpenApiTypes.STR, description="Unit code"),
    OpenApiParameter("channel", OpenApiTypes.STR, enum=Channel.values),
    OpenApiParameter("audience", OpenApiTypes.STR, enum=Audience.values),
    OpenApiParameter(
        "q", OpenApiTypes.STR, description="Text in title, place or summary; case and accents ignored"
    ),
    OpenApiParameter("from", OpenApiTypes.DATE),
    OpenApiParameter("to", OpenApiTypes.DATE),
]


class ActivityListApi(APIView):
    permission_classes = [IsOfficial]
    # Paged by hand in get(); named here so that the schema documents the pages (count, next, results, …).
    pagination_class = Pagination

    @extend_schema(
        summary="Communication activities the reader may see (hoạt động truyền thông)",
        parameters=[*QUERY_PARAMETERS, OpenApiParameter("page", OpenApiTypes.INT)],
        responses={200: ActivitySerializer(many=True), 400: ERROR, 403: ERROR},
    )
    def get(self, request: Request) -> Response:
        query = ActivityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        period = custom_period(data["from"], data["to"], "period") if data.get("from") else None
        items = selectors.activity_list(
            user=request.user,
            filters=selectors.ActivityFilters(
                unit=data.get("unit", ""),
                channel=data.get("channel", ""),
                audience=data.get("audience", ""),
                period=period,
                query=data.get("q", ""),
            ),
        ).prefetch_related("files")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(ActivitySerializer(page, many=True).data)

    @extend_schema(
        summary="Record a communication activity for a unit of the reader's scope",
        request=ActivityCreateSerializer,
        responses={201: ActivitySerializer, 400: ERROR, 403: ERROR},
    )
    def post(self, request: Request) -> Response:
        from dvctt.agencies.selectors import unit_get_by_code

        body = ActivityCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        unit = unit_get_by_code(code=data["unit"])
        if unit is None:
            raise DomainError(
                _("Không có đơn vị mã “%(c)s”.") % {"c": data["unit"]}, fields={"unit": [_("Không có.")]}
            )
        activity = services.activity_record(
            actor=request.user,
            unit_id=unit.pk,
            date=data["date"],
            channel=data["channel"],
            title=data["title"],
            audience=data["audience"],
            reach=data["reach"],
            summary=data["summary"],
            place=data["place"],
            links=data["links"],
        )
        found = selectors.activity_get_for(user=request.user, activity_id=activity.pk)
        return Response(ActivitySerializer(found).data, status=status.HTTP_201_CREATED)


CountsSerializer = inline_serializer(
    name="ActivityCounts",
    fields={
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "total": serializers.IntegerField(),
        "reach": serializers.IntegerField(),
        "channels": serializers.DictField(child=serializers.IntegerField()),
        "units": serializers.ListField(child=serializers.DictField()),
    },
)


class ActivityCountsApi(APIView):
    permission_classes = [IsOfficial]

    @extend_schema(
        summary="Communication activities per unit and channel in a period (the reader's scope)",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            OpenApiParameter("unit", OpenApiTypes.STR, description="Unit code"),
        ],
        responses={200: CountsSerializer, 400: ERROR, 403: ERROR},
    )
    def get(self, request: Request) -> Response:
        query = CountsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        counts = selectors.activity_counts(
            user=request.user,
            period=custom_period(data["from"], data["to"], "period"),
            unit=data.get("unit", ""),
        )
        return Response(
            {
                "from": data["from"].isoformat(),
                "to": data["to"].isoformat(),
                "total": counts.total,
                "reach": counts.reach,
                "channels": {c: counts.by_channel.get(c, 0) for c in Channel.values},
                "units": [
                    {
                        "unit": row.unit_code,
                        "name": row.unit_name,
                        "total": row.total,
                        "reach": row.reach,
                        "channels": {c: row.by_channel.get(c, 0) for c in Channel.values},
                    }
                    for row in counts.rows
                ],
            }
        )
