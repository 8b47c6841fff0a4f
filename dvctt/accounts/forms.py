from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form with the platform's own Vietnamese messages."""

    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: sai quá 5 lần, tài khoản bị tạm khóa 15 phút."
        ),
        "inactive": _("Tài khoản này đã bị khóa."),
    }
