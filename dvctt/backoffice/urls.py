"""The back office (một cửa điện tử) for officials. URL names: backoffice:home, ..."""

from django.urls import path  # noqa: F401

app_name = "backoffice"

urlpatterns: list = []
