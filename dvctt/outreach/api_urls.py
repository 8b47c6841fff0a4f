from django.urls import path

from dvctt.outreach.api import ActivityCountsApi, ActivityListApi

urlpatterns = [
    path("outreach/activities/", ActivityListApi.as_view(), name="outreach-activities"),
    path("outreach/activities/counts/", ActivityCountsApi.as_view(), name="outreach-activity-counts"),
]
