from django.urls import path

from dvctt.guidance import api

urlpatterns = [
    path("guidance/", api.GuidanceApi.as_view(), name="guidance"),
    path("guidance/officials/", api.OfficialsApi.as_view(), name="guidance_officials"),
    path("guidance/mine/", api.MineApi.as_view(), name="guidance_mine"),
]
