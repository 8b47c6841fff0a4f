"""Routes of the inbound messages, at the site's root (dvctt/urls.py includes this module once)."""

from django.urls import path

from dvctt.integrations.national_portal import inbound_views

app_name = "national_inbound"

urlpatterns = [
    path("api/v1/dvcqg/inbound/", inbound_views.inbound_endpoint, name="endpoint"),
    path("dvcqg/thong-diep-den/", inbound_views.inbound_list, name="list"),
    path("dvcqg/thong-diep-den/<int:message_id>/", inbound_views.inbound_detail, name="detail"),
]
