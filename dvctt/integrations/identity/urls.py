"""Mounted under ``/accounts/dinh-danh/`` by ``DVCTT_NATIONAL_SIGN_IN_URLCONF`` (namespace ``accounts:identity``)."""

from django.urls import path

from dvctt.integrations.identity import views

app_name = "identity"

urlpatterns = [
    path("", views.start, name="start"),
    path("callback/", views.callback, name="callback"),
]
