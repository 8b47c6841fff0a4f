from django.urls import path

from dvctt.plans.api import IndexScoresApi, ParScoresApi, PlanListApi, PlanTargetsApi

urlpatterns = [
    path("plans/", PlanListApi.as_view(), name="plans-list"),
    path("plans/<int:plan_id>/targets/", PlanTargetsApi.as_view(), name="plans-targets"),
    path("scores/index/", IndexScoresApi.as_view(), name="scores-index"),
    path("scores/par/", ParScoresApi.as_view(), name="scores-par"),
]
