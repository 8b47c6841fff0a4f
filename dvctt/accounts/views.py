"""Sign-up and profile pages for citizens and businesses (local accounts).

Signing in with the national identity service (VNeID) is a later issue: the login and sign-up pages keep a
place for it (``VNEID_ENABLED`` is False until then).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from dvctt.accounts.models import Role
from dvctt.accounts.services import user_register_citizen
from dvctt.common.errors import DomainError

VNEID_ENABLED = False


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
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect(_safe_next(request) or "accounts:profile")
        status = 400
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": _safe_next(request), "vneid_enabled": VNEID_ENABLED},
        status=status,
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"account": request.user})
