from django.urls import path

from dvctt.reports import api

urlpatterns = [
    path("reports/form06/", api.Form06Api.as_view(), name="report_form06"),
    path("reports/form07a/", api.Form07aApi.as_view(), name="report_form07a"),
]
