"""REST adapter: who am I."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt.accounts.models import Role


class MeUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    role_display = serializers.CharField(source="get_role_display")
    unit = MeUnitSerializer(allow_null=True)
    national_id_masked = serializers.CharField(source="masked_national_id")
    is_official = serializers.BooleanField()


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="The signed-in user", responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
