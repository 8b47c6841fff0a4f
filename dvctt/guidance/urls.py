"""Guidance pages, at full paths: the citizen's landing, the official's page under /mot-cua/, the monitors'
flags under /theo-doi/ (docs/guidance.md)."""

from django.urls import path

from dvctt.guidance import views

app_name = "guidance"

urlpatterns = [
    path("huong-dan-boi/bo-ghi-nho/", views.landing_forget, name="forget"),
    path("huong-dan-boi/can-bo/", views.officials_search, name="search"),
    path("huong-dan-boi/<str:token>/", views.landing, name="landing"),
    path("mot-cua/huong-dan-nguoi-than/", views.mine, name="mine"),
    path("mot-cua/huong-dan-nguoi-than/the/", views.card, name="card"),
    path("mot-cua/huong-dan-nguoi-than/doi-lien-ket/", views.rotate, name="rotate"),
    path("mot-cua/huong-dan-nguoi-than/thu-hoi/", views.revoke, name="revoke"),
    path("theo-doi/huong-dan-bat-thuong/", views.flags, name="flags"),
    path(
        "theo-doi/huong-dan-bat-thuong/<int:flag_id>/da-xem/", views.flag_acknowledge, name="flag_acknowledge"
    ),
]
