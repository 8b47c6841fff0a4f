from django.urls import path

from dvctt.catalog import api

urlpatterns = [
    path("procedures/", api.ProcedureListView.as_view(), name="procedure_list"),
    path("procedures/<str:code>/", api.ProcedureDetailView.as_view(), name="procedure_detail"),
    path("fields/", api.FieldListView.as_view(), name="field_list"),
]
