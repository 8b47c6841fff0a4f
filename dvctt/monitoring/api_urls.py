from django.urls import path

from dvctt.monitoring import api

urlpatterns = [
    path("kpi/", api.KpiApi.as_view(), name="kpi"),
    path("kpi/restatements/", api.KpiRestatementsApi.as_view(), name="kpi_restatements"),
]
