"""Sign-in, sign-up and profile pages for citizens and businesses (local accounts).

Signing in with the national account (DVCQG / VNeID) is driven by an adapter outside this app
(``dvctt.integrations.identity``); the pages here reach it through the ``DVCTT_NATIONAL_SIGN_IN_URL`` hook (a
dotted path to a function of the request and the ``next`` URL that returns the sign-in URL, or "" when the
service is not configured). Linking an existing local account to the national identity is here
(:func:`national_link`), since it is a matter of local passwords.
"""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from dvctt.accounts.backends import ACCOUNT_BACKEND
from dvctt.accounts.forms import LoginForm
from dvctt.accounts.landing import landing_url
from dvctt.accounts.models import Role, User
from dvctt.accounts.national import (
    NATIONAL_SESSION_KEY,
    PENDING_LINK_SECONDS,
    PENDING_LINK_SESSION_KEY,
    NationalClaims,
    national_identity_link,
    national_identity_of,
)
from dvctt.accounts.services import user_register_citizen, user_update_profile
from dvctt.common.errors import DomainError
from dvctt.common.masking import mask_id


def national_sign_in_url(request: HttpRequest, next_url: str = "") -> str:
    """The URL that starts the national sign-in, or "" when it is not configured (the pages say "sắp có")."""
    hook = getattr(settings, "DVCTT_NATIONAL_SIGN_IN_URL", "")
    if not hook:
        return ""
    return str(import_string(hook)(request, next_url) or "")


class SignUpForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Đăng ký với tư cách"),
        choices=[(Role.CITIZEN, _("Công dân")), (Role.BUSINESS, _("Tổ chức, doanh nghiệp"))],
        initial=Role.CITIZEN,
        widget=forms.RadioSelect,
    )
    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=255, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    national_id = forms.CharField(
        label=_("Số định danh cá nhân (12 số)"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=15,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    organisation_name = forms.CharField(label=_("Tên tổ chức, doanh nghiệp"), max_length=255, required=False)
    tax_code = forms.CharField(label=_("Mã số thuế"), max_length=14, required=False)
    username = forms.CharField(
        label=_("Tên đăng nhập"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password1 = forms.CharField(
        label=_("Mật khẩu (ít nhất 8 ký tự)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        return data


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = user_register_citizen(
                    username=data["username"],
                    password=data["password1"],
                    full_name=data["full_name"],
                    national_id=data["national_id"],
                    email=data["email"],
                    phone=data["phone"],
                    role=data["role"],
                    organisation_name=data["organisation_name"],
                    tax_code=data["tax_code"],
                )
            except DomainError as exc:
                for field, problems in (exc.fields or {"__all__": [exc.message]}).items():
                    target = "password1" if field == "password" else field
                    for problem in problems:
                        form.add_error(target if target in form.fields else None, problem)
            else:
                login(request, user, backend=ACCOUNT_BACKEND)
                return redirect(_safe_next(request) or "accounts:profile")
        status = 400
    return render(
        request,
        "accounts/signup.html",
        {
            "form": form,
            "next": _safe_next(request),
            "national_sign_in_url": national_sign_in_url(request, _safe_next(request)),
        },
        status=status,
    )


class SignInView(LoginView):
    """Django's login, with the national sign-in offered beside it when it is configured."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def get_default_redirect_url(self) -> str:
        return landing_url(self.request.user)  # type: ignore[arg-type]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["national_sign_in_url"] = national_sign_in_url(self.request, _safe_next(self.request))
        return context


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/profile.html",
        {
            "account": request.user,
            "identity": national_identity_of(request.user),
            "national_session": bool(request.session.get(NATIONAL_SESSION_KEY)),
        },
    )


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=255)
    national_id = forms.CharField(
        label=_("Số định danh cá nhân (12 số)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label=_("Thư điện tử"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if locked:  # vouched for by the national identity: shown, not editable, not taken from the post
            for name in ("full_name", "national_id"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Đã xác thực qua tài khoản định danh quốc gia.")


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own contact details (and name and number until a national identity vouches)."""
    user: User = request.user  # type: ignore[assignment]
    locked = national_identity_of(user) is not None
    initial = {
        "full_name": user.full_name,
        "national_id": user.national_id,
        "phone": user.phone,
        "email": user.email,
    }
    form = ProfileForm(request.POST or None, initial=initial, locked=locked)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                user_update_profile(
                    user=user,
                    email=data["email"],
                    phone=data["phone"],
                    full_name=None if locked else data["full_name"],
                    national_id=None if locked else data["national_id"],
                )
            except DomainError as exc:
                for field, problems in (exc.fields or {"__all__": [exc.message]}).items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(request, gettext("Đã lưu thông tin tài khoản."))
                return redirect("accounts:profile")
        status = 400
    return render(request, "accounts/profile_edit.html", {"form": form, "locked": locked}, status=status)


class LinkForm(forms.Form):
    password = forms.CharField(
        label=_("Mật khẩu của tài khoản trên cổng"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _pending_link(request: HttpRequest) -> tuple[NationalClaims, User, str] | None:
    """The national identity waiting for its local account's password, or None (absent or expired)."""
    data = request.session.get(PENDING_LINK_SESSION_KEY)
    if not isinstance(data, dict) or float(data.get("at", 0)) + PENDING_LINK_SECONDS < time.time():
        return None
    user = User.objects.filter(pk=int(data.get("user_id") or 0), is_active=True).first()
    if user is None:
        return None
    return NationalClaims.from_session(data["claims"]), user, str(data.get("next") or "")


def _safe(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


@require_http_methods(["GET", "POST"])
def national_link(request: HttpRequest) -> HttpResponse:
    """Link the local account that has the same number to the national identity just signed in with.

    The identity was verified by the national service (the adapter put it in the session); the local account
    is proved by its password here. Only then is the link recorded and the session opened: never silently.
    """
    pending = _pending_link(request)
    if pending is None:
        request.session.pop(PENDING_LINK_SESSION_KEY, None)
        return render(request, "accounts/national_link_expired.html", status=400)
    claims, user, next_url = pending
    form = LinkForm(request.POST or None)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "cancel":
        request.session.pop(PENDING_LINK_SESSION_KEY, None)
        return redirect("accounts:login")
    if request.method == "POST":
        status = 400
        if form.is_valid():
            password = form.cleaned_data["password"]
            # Through the backends (django-axes counts the failures and locks out as for the login page).
            proved = authenticate(request, username=user.username, password=password)
            if proved is None or proved.pk != user.pk:
                form.add_error("password", gettext("Mật khẩu không đúng."))
            else:
                try:
                    national_identity_link(user=user, claims=claims, password=password)
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    request.session.pop(PENDING_LINK_SESSION_KEY, None)
                    login(request, user, backend=ACCOUNT_BACKEND)
                    request.session[NATIONAL_SESSION_KEY] = claims.tech_id
                    return redirect(_safe(request, next_url) or landing_url(user))
    return render(
        request,
        "accounts/national_link.html",
        {
            "form": form,
            "claims": claims,
            "username": user.username,
            "masked_number": mask_id(claims.tax_code if claims.is_business else claims.id_number),
        },
        status=status,
    )
