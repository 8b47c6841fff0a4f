"""A URL layout with only the home page and the accounts, as on a fresh checkout before the catalogue's
pages exist: the shell must render without the links it cannot resolve."""

from django.urls import include, path

from dvctt.portal.views import home

portal_patterns = ([path("", home.home, name="home")], "portal")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("dvctt.accounts.urls")),
    path("", include(portal_patterns)),
]
