"""REST API of the guidance app (/api/v1/guidance/…), over the same services as the pages (docs/guidance.md).

- ``GET officials/?q=``: officials by name or unit (name and unit only), for an app's "who guided you" search.
- ``POST``: the applicant of an online dossier names the official who guided them, with consent, within
  NAMING_WINDOW of the submission (an app submits with ``POST /api/v1/dossiers/`` and then calls this).
- ``GET mine/``: an official's link and counts (never the dossiers).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt.common.errors import AccessDenied, DomainError
from dvctt.common.openapi import error
from dvctt.dossiers.selectors import dossier_get_for_user

from . import selectors, services
from .models import GuidanceSource
from .views import link_url

#: How long after submitting an applicant may still name the official who guided them.
NAMING_WINDOW = timedelta(days=1)
#: The service names the portal form's fields; the API names its own.
API_FIELDS = {"guide_consent": "consent", "guide_official": "official_id"}


class GuidanceOfficialSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()


class GuidanceOfficialsSerializer(serializers.Serializer):
    results = GuidanceOfficialSerializer(many=True)


class GuidanceRecordedSerializer(serializers.Serializer):
    dossier_code = serializers.CharField()
    official = GuidanceOfficialSerializer()
    recorded_from = serializers.ChoiceField(choices=GuidanceSource.choices)


class OfficialsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="họ tên hoặc tên đơn vị (ít nhất 2 ký tự)")],
        responses=GuidanceOfficialsSerializer,
    )
    def get(self, request: Request) -> Response:
        results = selectors.guidance_officials_search(query=request.query_params.get("q", ""))
        return Response({"results": [{"id": r.pk, "name": r.name, "unit": r.unit} for r in results]})


class GuidanceRecordSerializer(serializers.Serializer):
    dossier_code = serializers.CharField(max_length=64)
    official_id = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    link_token = serializers.CharField(required=False, max_length=32)
    consent = serializers.BooleanField()


class GuidanceApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=GuidanceRecordSerializer,
        responses={
            201: GuidanceRecordedSerializer,
            404: error(_lazy("Không có hồ sơ mã này trong phạm vi người gọi")),
            409: error(_lazy("Hồ sơ đã ghi nhận một cán bộ hướng dẫn khác")),
        },
    )
    def post(self, request: Request) -> Response:
        data = GuidanceRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = data.validated_data
        user: Any = request.user
        dossier = dossier_get_for_user(user=user, code=v["dossier_code"].strip())
        if dossier.applicant_id != user.pk:
            raise AccessDenied(_("Chỉ chủ hồ sơ ghi nhận cán bộ đã hướng dẫn mình."))
        submitted = dossier.submitted_at
        if submitted is None or timezone.now() - submitted > NAMING_WINDOW:
            raise DomainError(
                _("Chỉ ghi nhận cán bộ hướng dẫn trong vòng một ngày sau khi nộp hồ sơ."), code="too_late"
            )
        link = None
        if v.get("link_token"):
            link = selectors.guidance_link_resolve(token=v["link_token"])
            if link is None:
                raise DomainError(
                    _("Liên kết của cán bộ hướng dẫn không còn hiệu lực."),
                    code="link_expired",
                    fields={"link_token": [_("Không còn hiệu lực.")]},
                )
            official = link.official
        elif v.get("official_id"):
            found = selectors.guidance_official_get(official_id=v["official_id"])
            if found is None:
                raise DomainError(
                    _("Cán bộ hướng dẫn đã chọn không hợp lệ."),
                    code="not_official",
                    fields={"official_id": [_("Không hợp lệ.")]},
                )
            official = found
        else:
            raise DomainError(
                _("Hãy chọn cán bộ hướng dẫn (official_id hoặc link_token)."),
                code="invalid",
                fields={"official_id": [_("Bắt buộc khi không có link_token.")]},
            )
        try:
            guidance = services.guidance_record(
                dossier=dossier,
                official=official,
                source=GuidanceSource.LINK if link is not None else GuidanceSource.NAMED,
                consent=v["consent"],
                link=link,
            )
        except DomainError as exc:
            exc.fields = {API_FIELDS.get(name, name): errors for name, errors in exc.fields.items()}
            raise
        choice = selectors.choice_of(official)
        return Response(
            {
                "dossier_code": dossier.code,
                "official": {"id": choice.pk, "name": choice.name, "unit": choice.unit},
                "recorded_from": guidance.source,
            },
            status=201,
        )


class MineApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer(
            "GuidanceMine",
            {
                "url": serializers.CharField(),
                "month": serializers.IntegerField(),
                "year": serializers.IntegerField(),
                "total": serializers.IntegerField(),
            },
        )
    )
    def get(self, request: Request) -> Response:
        user: Any = request.user
        link = services.guidance_link_get_or_create(official=user)
        counts = selectors.guidance_counts_for_official(official=user, today=timezone.localdate())
        return Response(
            {"url": link_url(link.token), "month": counts.month, "year": counts.year, "total": counts.total}
        )
