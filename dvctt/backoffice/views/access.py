"""Who may open the back office: signed-in officials (roles with internal data), and superusers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

from dvctt.accounts.models import OFFICIAL_ROLES


def official_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_superuser or getattr(user, "role", None) in OFFICIAL_ROLES):
            raise PermissionDenied(_("Trang này dành cho cán bộ, công chức xử lý hồ sơ."))
        return view(request, *args, **kwargs)

    return wrapper


def breadcrumbs(*items: tuple[Any, str | None]) -> list[dict[str, Any]]:
    from django.urls import reverse

    crumbs: list[dict[str, Any]] = [{"label": _("Xử lý hồ sơ"), "url": reverse("backoffice:home")}]
    crumbs += [{"label": label, "url": url} for label, url in items]
    return crumbs
