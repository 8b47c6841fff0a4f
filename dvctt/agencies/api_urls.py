from django.urls import path

from dvctt.agencies.api import UnitDetailApi, UnitListApi

urlpatterns = [
    path("units/", UnitListApi.as_view(), name="unit-list"),
    path("units/<str:code>/", UnitDetailApi.as_view(), name="unit-detail"),
]
