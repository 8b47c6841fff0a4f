from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from dvctt.common.health import healthz
from dvctt.common.metrics import metrics_view

api_v1: list[URLPattern | URLResolver] = [
    path("", include("dvctt.agencies.api_urls")),
    path("", include("dvctt.catalog.api_urls")),
    path("", include("dvctt.calendar.api_urls")),
    path("", include("dvctt.accounts.api_urls")),
    path("", include("dvctt.dossiers.api_urls")),
    path("", include("dvctt.monitoring.api_urls")),
    path("", include("dvctt.guidance.api_urls")),
    path("", include("dvctt.plans.api_urls")),
    path("", include("dvctt.reports.api_urls")),
    path("", include("dvctt.outreach.api_urls")),
    path("schema/", SpectacularAPIView.as_view(api_version="1"), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("api/v1/", include((api_v1, "api"))),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("dvctt.accounts.urls")),
    path("", include("dvctt.guidance.urls")),
    path("mot-cua/", include("dvctt.backoffice.urls")),
    path("theo-doi/bao-cao/", include("dvctt.reports.urls")),
    path("theo-doi/huong-dan/", include("dvctt.guides.desk_urls")),
    path("theo-doi/", include("dvctt.steering.urls")),
    path("theo-doi/", include("dvctt.outreach.urls")),
    path("theo-doi/", include("dvctt.plans.dashboard_urls")),
    path("ke-hoach/", include("dvctt.plans.urls")),
    path("", include("dvctt.integrations.national_portal.inbound_urls")),
    path("dvcqg/", include("dvctt.integrations.national_portal.urls")),
    path("huong-dan/", include("dvctt.guides.urls")),
    path("", include("dvctt.portal.urls")),
]

# The API's error shape under /api/, the platform's pages elsewhere, 503 for a database fault.
handler404 = "dvctt.common.error_views.page_not_found"
handler500 = "dvctt.common.error_views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
