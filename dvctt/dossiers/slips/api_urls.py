from django.urls import path

from dvctt.dossiers.slips import api

urlpatterns = [
    path("dossiers/<str:code>/slips/<str:kind>.pdf", api.SlipDownload.as_view(), name="dossier-slip"),
    path("registers/", api.RegisterDownload.as_view(), name="dossier-register"),
    path(
        "registers/exports/<int:export_id>/",
        api.RegisterExportStatus.as_view(),
        name="dossier-register-export",
    ),
    path(
        "registers/exports/<int:export_id>/file/",
        api.RegisterExportFile.as_view(),
        name="dossier-register-export-file",
    ),
]
