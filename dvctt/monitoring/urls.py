"""Dashboards for monitors, leaders and unit leaders. URL names: monitoring:overview, ..."""

from django.urls import path  # noqa: F401

app_name = "monitoring"

urlpatterns: list = []
