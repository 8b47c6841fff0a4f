from django.urls import path

from dvctt.integrations.national_portal import catalogue_views, views

app_name = "national_portal"

urlpatterns = [
    path("tep/<str:token>/", views.file_download, name="file"),
    path("dong-bo/", views.console, name="console"),
    path("dong-bo/gui-lai/", views.console_resend, name="resend"),
    path("dong-bo/kenh/", views.console_transport, name="transport"),
    path("danh-muc/", catalogue_views.catalogue_page, name="catalogue"),
    path("danh-muc/lay/", catalogue_views.catalogue_pull_now, name="catalogue_pull"),
    path("danh-muc/<int:change_id>/chap-nhan/", catalogue_views.catalogue_accept, name="catalogue_accept"),
    path("danh-muc/<int:change_id>/tu-choi/", catalogue_views.catalogue_reject, name="catalogue_reject"),
]
