"""Public unit pages: units in force on a day (/don-vi/) and one unit with its history (/don-vi/<code>/)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dvctt.agencies.models import UnitLevel
from dvctt.agencies.selectors import (
    unit_detail,
    unit_heir_map,
    unit_names_by_code,
    units_ended_by,
    units_in_force,
)


class UnitDayForm(forms.Form):
    ngay = forms.DateField(
        label=_("Đơn vị tại ngày"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": _("Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy.")},
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )


def unit_list(request: HttpRequest) -> HttpResponse:
    form = UnitDayForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    day: date = (form.cleaned_data.get("ngay") if valid and request.GET else None) or timezone.localdate()
    units = list(units_in_force(on=day).select_related("parent").order_by("code"))
    groups = [
        {"level": value, "label": label, "units": [u for u in units if u.level == value]}
        for value, label in UnitLevel.choices
    ]
    ended = list(units_ended_by(on=day))
    heirs = unit_heir_map() if ended else {}
    heir_codes = {heirs[u.code] for u in ended if u.code in heirs}
    codes_to_names = unit_names_by_code(codes=heir_codes)
    ended_rows = [
        {"unit": u, "heir_code": heirs.get(u.code), "heir_name": codes_to_names.get(heirs.get(u.code, ""))}
        for u in ended
    ]
    return render(
        request,
        "portal/unit_list.html",
        {
            "form": form,
            "day": day,
            "groups": [g for g in groups if g["units"]],
            "total": len(units),
            "ended_rows": ended_rows,
            "breadcrumbs": [{"label": _("Trang chủ"), "url": reverse("portal:home")}, {"label": _("Đơn vị")}],
        },
        status=200 if valid else 400,
    )


def unit_detail_page(request: HttpRequest, code: str) -> HttpResponse:
    detail = unit_detail(code=code)
    if detail is None:
        raise Http404(_("Không tìm thấy đơn vị mã %(code)s.") % {"code": code})
    today = timezone.localdate()
    unit = detail.unit
    in_force = unit.valid_from <= today and (unit.valid_to is None or unit.valid_to >= today)
    return render(
        request,
        "portal/unit_detail.html",
        {
            "detail": detail,
            "unit": unit,
            "in_force": in_force,
            "breadcrumbs": [
                {"label": _("Trang chủ"), "url": reverse("portal:home")},
                {"label": _("Đơn vị"), "url": reverse("portal:unit_list")},
                {"label": unit.name},
            ],
        },
    )
