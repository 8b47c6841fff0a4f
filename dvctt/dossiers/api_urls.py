from django.urls import include, path

from dvctt.dossiers import api

urlpatterns = [
    path("dossiers/", api.DossierList.as_view(), name="dossier-list"),
    path("dossiers/<str:code>/", api.DossierDetail.as_view(), name="dossier-detail"),
    path("dossiers/<str:code>/actions/<str:action>/", api.DossierAction.as_view(), name="dossier-action"),
    path("track/<str:code>/", api.DossierTrack.as_view(), name="dossier-track"),
    path("", include("dvctt.dossiers.slips.api_urls")),
]
