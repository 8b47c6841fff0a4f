from django.urls import path

from dvctt.accounts.api import MeApi

urlpatterns = [
    path("me", MeApi.as_view(), name="me"),
]
