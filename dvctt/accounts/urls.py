from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from dvctt.accounts import views

app_name = "accounts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("dang-ky/", views.signup, name="signup"),
    path("tai-khoan/", views.profile, name="profile"),
    path("tai-khoan/sua/", views.profile_edit, name="profile_edit"),
    path("lien-ket-dinh-danh/", views.national_link, name="national_link"),
]

# The national sign-in's own pages (start, callback) come from the adapter named by the setting: accounts does
# not import the integrations layer (dvctt/common/tests/test_layers.py).
if getattr(settings, "DVCTT_NATIONAL_SIGN_IN_URLCONF", ""):
    urlpatterns.append(path("dinh-danh/", include(settings.DVCTT_NATIONAL_SIGN_IN_URLCONF)))
