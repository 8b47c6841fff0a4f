from django.urls import path

from dvctt.integrations.national_portal import views

app_name = "national_portal"

urlpatterns = [
    path("tep/<str:token>/", views.file_download, name="file"),
    path("dong-bo/", views.console, name="console"),
    path("dong-bo/gui-lai/", views.console_resend, name="resend"),
    path("dong-bo/kenh/", views.console_transport, name="transport"),
]
