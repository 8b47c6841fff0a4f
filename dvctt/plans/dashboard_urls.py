"""Dashboards (plans.dashboards) for monitors, leaders and unit leaders (docs/dashboards.md), mounted at /theo-doi/."""

from django.urls import path

from dvctt.plans.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("xep-hang/", views.ranking, name="ranking"),
    path("don-vi/<str:code>/", views.unit_page, name="unit"),
    path("giai-thich/<str:code>/<str:part>/", views.explain_page, name="explain"),
]
