"""Public API of the calendar: a due time for given input, and the exceptions of a year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt.calendar.deadlines import UNITS, format_periods
from dvctt.calendar.inputs import due_compute, parse_year
from dvctt.calendar.models import DayKind, DayStatus
from dvctt.calendar.selectors import calendar_days_for_year, working_calendar
from dvctt.common.openapi import ERROR


class DueSerializer(serializers.Serializer):
    received = serializers.DateTimeField(help_text="ISO 8601, +07:00")
    start = serializers.DateTimeField(help_text="the next working moment at or after received")
    due = serializers.DateTimeField()
    limit = serializers.DecimalField(max_digits=12, decimal_places=4, coerce_to_string=False)
    unit = serializers.ChoiceField(choices=UNITS)
    calendar_revision = serializers.IntegerField()


class DayExceptionSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=DayKind.choices)
    name = serializers.CharField()
    legal_basis = serializers.CharField(help_text="the law or decision that makes the day off (or worked)")
    status = serializers.ChoiceField(
        choices=DayStatus.choices, help_text="a day to_confirm is not counted in due times until confirmed"
    )


class WorkingScheduleSerializer(serializers.Serializer):
    valid_from = serializers.DateField()
    periods = serializers.ListField(child=serializers.CharField(), help_text="e.g. 07:00-11:30")


class CalendarYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    configured = serializers.BooleanField()
    calendar_revision = serializers.IntegerField()
    working_schedules = WorkingScheduleSerializer(many=True, help_text="schedules in force during the year")
    days = DayExceptionSerializer(many=True)


class DueView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="calendar_due",
        summary="Hạn giải quyết (due time) của hồ sơ",
        parameters=[
            OpenApiParameter(
                "received",
                OpenApiTypes.DATETIME,
                required=True,
                description="Thời điểm tiếp nhận, ISO 8601; không có múi giờ thì hiểu là giờ Việt Nam (+07:00).",
                examples=[OpenApiExample("after hours", value="2025-01-24T16:00")],
            ),
            OpenApiParameter(
                "limit",
                {"type": "number", "minimum": 0},
                required=True,
                description="Thời hạn giải quyết, >= 0.",
            ),
            OpenApiParameter("unit", OpenApiTypes.STR, required=True, enum=list(UNITS)),
        ],
        responses={200: DueSerializer, 400: ERROR},
    )
    def get(self, request: Request) -> Response:
        result = due_compute(
            received=request.query_params.get("received", ""),
            limit=request.query_params.get("limit", ""),
            unit=request.query_params.get("unit", ""),
            calendar=working_calendar(),
        )
        data = {
            "received": result.received.isoformat(),
            "start": result.start.isoformat(),
            "due": result.due.isoformat(),
            "limit": _number(result.limit),
            "unit": result.unit,
            "calendar_revision": result.calendar_revision,
        }
        return Response(data)


class DaysView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="calendar_days",
        summary="Ngày nghỉ lễ, nghỉ bù, làm bù của một năm",
        parameters=[
            OpenApiParameter("year", {"type": "integer", "minimum": 2000, "maximum": 2100}, required=True)
        ],
        responses={200: CalendarYearSerializer, 400: ERROR},
    )
    def get(self, request: Request) -> Response:
        year = parse_year(request.query_params.get("year"))
        calendar = working_calendar()
        days = [
            {
                "date": day.date.isoformat(),
                "kind": day.kind,
                "name": day.name,
                "legal_basis": day.legal_basis,
                "status": day.status,
            }
            for day in calendar_days_for_year(year=year)
        ]
        first, last = date(year, 1, 1), date(year, 12, 31)
        schedules = [
            {"valid_from": valid_from.isoformat(), "periods": format_periods(periods).split(",")}
            for index, (valid_from, periods) in enumerate(calendar.schedules)
            if valid_from <= last
            and (index + 1 == len(calendar.schedules) or calendar.schedules[index + 1][0] > first)
        ]
        return Response(
            {
                "year": year,
                "configured": year in calendar.configured_years,
                "calendar_revision": calendar.revision,
                "working_schedules": schedules,
                "days": days,
            }
        )


def _number(value: Decimal) -> int | float:
    """A whole limit as an int (3), else a float (0.5), as clients sent it."""
    return int(value) if value == value.to_integral_value() else float(value)
