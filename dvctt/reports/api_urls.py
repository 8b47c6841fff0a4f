from django.urls import path

from dvctt.reports import api

urlpatterns = [
    path("reports/form06/", api.Form06Api.as_view(), name="report_form06"),
    path("reports/form07a/", api.Form07aApi.as_view(), name="report_form07a"),
    path("reports/stored/", api.StoredReportListApi.as_view(), name="report_stored_list"),
    path("reports/stored/<int:report_id>/", api.StoredReportDetailApi.as_view(), name="report_stored"),
    path("reports/stored/<int:report_id>/submit/", api.SubmitApi, name="report_stored_submit"),
    path("reports/stored/<int:report_id>/receive/", api.ReceiveApi, name="report_stored_receive"),
    path("reports/stored/<int:report_id>/approve/", api.ApproveApi, name="report_stored_approve"),
    path("reports/stored/<int:report_id>/return/", api.ReturnApi, name="report_stored_return"),
]
