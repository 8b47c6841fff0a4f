"""The report pages, mounted under the steering dashboards at /theo-doi/bao-cao/. URL names: reports:report, ..."""

from django.urls import path

from dvctt.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_page, name="report"),
    path("tai-ve.<str:fmt>", views.report_download, name="download"),
    path("lap/", views.stored_create, name="stored_create"),
    path("ban-tom-tat/", views.brief_page, name="brief"),
    path("<int:report_id>/", views.stored_detail, name="stored"),
    path("<int:report_id>/<str:action>/", views.stored_move, name="stored_move"),
]
