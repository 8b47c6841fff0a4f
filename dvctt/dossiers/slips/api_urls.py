from django.urls import path

from dvctt.dossiers.slips import api

urlpatterns = [
    path("dossiers/<str:code>/slips/<str:kind>.pdf", api.SlipDownload.as_view(), name="dossier-slip"),
    path("registers/", api.RegisterDownload.as_view(), name="dossier-register"),
]
