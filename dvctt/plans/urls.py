"""Monitors' pages under /ke-hoach/. URL names: plans:plan_list, plans:plan_detail, ..."""

from django.urls import path

from dvctt.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("<int:plan_id>/nhap-excel/", views.targets_upload, name="targets_upload"),
    path("mau-chi-tieu.xlsx", views.targets_template, name="targets_template"),
    path("tieu-chi-cchc/", views.par_rules, name="par_rules"),
    path("diem/chi-so-766/", views.index_scores, name="index_scores"),
    path("diem/cchc/", views.par_scores, name="par_scores"),
]
