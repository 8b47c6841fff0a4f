"""The citizen portal's pages. Each view module owns its own ``urlpatterns``; this file only joins them.

URL names (stable, templates use them): portal:home, portal:procedure_list (/thu-tuc/),
portal:procedure_detail (/thu-tuc/<code>/), portal:unit_list (/don-vi/), portal:unit_detail (/don-vi/<code>/).
"""

from django.urls import path

from dvctt.portal.views import catalog, home, units

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("thu-tuc/", catalog.procedure_list, name="procedure_list"),
    path("thu-tuc/<str:code>/", catalog.procedure_detail, name="procedure_detail"),
    path("don-vi/", units.unit_list, name="unit_list"),
    path("don-vi/<str:code>/", units.unit_detail_page, name="unit_detail"),
]
