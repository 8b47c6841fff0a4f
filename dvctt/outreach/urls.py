"""Outreach pages, mounted under the dashboards at /theo-doi/ (docs/outreach.md)."""

from django.urls import path

from dvctt.outreach import views

app_name = "outreach"

urlpatterns = [
    path("truyen-thong/", views.activity_list, name="activities"),
    path("truyen-thong/ghi/", views.activity_create, name="activity_create"),
    path("truyen-thong/thong-ke/", views.activity_counts, name="counts"),
    path("truyen-thong/tep/<int:file_id>/", views.activity_file, name="activity_file"),
    path("truyen-thong/<int:activity_id>/", views.activity_detail, name="activity"),
    path("truyen-thong/<int:activity_id>/sua/", views.activity_edit, name="activity_edit"),
    path("cach-lam-hay/", views.practice_list, name="practices"),
    path("cach-lam-hay/viet/", views.practice_create, name="practice_create"),
    path("cach-lam-hay/<int:practice_id>/", views.practice_detail, name="practice"),
    path("cach-lam-hay/<int:practice_id>/sua/", views.practice_edit, name="practice_edit"),
    path("cach-lam-hay/<int:practice_id>/<str:action>/", views.practice_publish, name="practice_publish"),
]
