from django.urls import include, path

from dvctt.dossiers import api, api_papers

urlpatterns = [
    path("dossiers/", api.DossierList.as_view(), name="dossier-list"),
    path("dossiers/<str:code>/", api.DossierDetail.as_view(), name="dossier-detail"),
    path("dossiers/<str:code>/actions/<str:action>/", api.DossierAction.as_view(), name="dossier-action"),
    path("track/<str:code>/", api.DossierTrack.as_view(), name="dossier-track"),
    path("papers/", api_papers.PaperList.as_view(), name="paper-list"),
    path("papers/<int:paper_id>/file/", api_papers.PaperFile.as_view(), name="paper-file"),
    path("", include("dvctt.dossiers.slips.api_urls")),
]
