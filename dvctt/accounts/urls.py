from django.contrib.auth import views as auth_views
from django.urls import path

from dvctt.accounts import views
from dvctt.accounts.forms import LoginForm

app_name = "accounts"

urlpatterns = [
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=LoginForm),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("dang-ky/", views.signup, name="signup"),
    path("tai-khoan/", views.profile, name="profile"),
]
