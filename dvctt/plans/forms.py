"""Forms of the monitors' pages. They parse and check input; the services write."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dvctt.monitoring.indicators import INDICATORS
from dvctt.plans.models import ParRule
from dvctt.plans.selectors import GridRow
from dvctt.plans.sheets import PROVINCE_CODE

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
INDICATOR_CHOICES = [(i.code, i.name) for i in INDICATORS]


def percent_text(value: Decimal | None) -> str:
    """0.8 → "80", 0.125 → "12.5" (the grid edits percentages)."""
    if value is None:
        return ""
    return format((value * 100).normalize(), "f")


def parse_percent(text: str) -> Decimal:
    """A percentage typed on a page ("80", "80%", "12,5") as a fraction; 0–100 only."""
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        number = Decimal(cleaned)
    except ArithmeticError:
        raise forms.ValidationError(_("“%(v)s” không phải là số."), params={"v": text}) from None
    if not number.is_finite() or number < 0 or number > 100:
        raise forms.ValidationError(_("Giá trị phải từ 0 đến 100 (%)."))
    return (number / 100).quantize(Decimal("0.0001"))


class PercentField(forms.CharField):
    def __init__(self, **kwargs: Any):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "size": "5", "class": "percent"})

    def clean(self, value: Any) -> Decimal | None:
        text = super().clean(value)
        return parse_percent(text) if text else None


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Tên kế hoạch"), max_length=255)
    decision_number = forms.CharField(label=_("Số văn bản"), max_length=64)
    decision_date = forms.DateField(
        label=_("Ngày ban hành (dd/mm/yyyy)"),
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )
    signer = forms.CharField(label=_("Người ký"), max_length=255, required=False)
    start_year = forms.IntegerField(label=_("Từ năm"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("Đến năm"), min_value=2000, max_value=2100)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("Năm kết thúc phải từ năm bắt đầu trở đi."))
        return data


def grid_field_name(code: str | None, indicator: str) -> str:
    return f"t__{code or PROVINCE_CODE}__{indicator}"


class TargetGridForm(forms.Form):
    """One percentage field per (row, indicator) of a year's grid; blank removes the target."""

    def __init__(self, *args: Any, rows: Sequence[GridRow], indicators: Sequence[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.indicators = indicators
        for row in rows:
            for indicator in indicators:
                target = row.values.get(indicator.code)
                self.fields[grid_field_name(row.code, indicator.code)] = PercentField(
                    label=f"{row.name} – {indicator.name}",
                    initial=percent_text(target.value if target else None),
                )

    def table(self) -> list[dict[str, Any]]:
        """Rows of bound fields for the template, in the grid's order."""
        return [
            {"row": row, "cells": [self[grid_field_name(row.code, i.code)] for i in self.indicators]}
            for row in self.rows
        ]

    def values(self) -> dict[tuple[str | None, str], Decimal | None]:
        """The changed cells only (``{(unit code or None, indicator): fraction or None}``)."""
        out: dict[tuple[str | None, str], Decimal | None] = {}
        for row in self.rows:
            for indicator in self.indicators:
                name = grid_field_name(row.code, indicator.code)
                if name in self.changed_data:
                    out[(row.code, indicator.code)] = self.cleaned_data[name]
        return out


class YearForm(forms.Form):
    nam = forms.TypedChoiceField(label=_("Năm"), coerce=int)

    def __init__(self, *args: Any, years: Sequence[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["nam"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]


class TargetUploadForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Năm của chỉ tiêu"), coerce=int)
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )

    def __init__(self, *args: Any, years: Sequence[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx."))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Tệp lớn hơn 5 MB."))
        return upload


def steps_text(steps: Sequence[Sequence[Any]]) -> str:
    """[[0.3, 0.5], [0.5, 1]] → "30: 0.5; 50: 1" (minimum in %, then points)."""
    return "; ".join(f"{percent_text(Decimal(str(m)))}: {Decimal(str(p)).normalize():f}" for m, p in steps)


def parse_steps(text: str) -> list[tuple[Decimal, Decimal]]:
    steps = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        if ":" not in part:
            raise forms.ValidationError(_("Mỗi bậc viết “tối thiểu %: điểm”, cách nhau bằng “;”."))
        minimum, points = (s.strip() for s in part.split(":", 1))
        try:
            steps.append((parse_percent(minimum), Decimal(points.replace(",", "."))))
        except ArithmeticError:
            raise forms.ValidationError(
                _("Điểm của bậc “%(p)s” không phải là số."), params={"p": part}
            ) from None
    return steps


class ParCriterionForm(forms.Form):
    indicator = forms.ChoiceField(
        label=_("Chỉ tiêu"), choices=[("", "—"), *INDICATOR_CHOICES], required=False
    )
    label = forms.CharField(label=_("Tên tiêu chí"), max_length=255, required=False)
    threshold = PercentField(label=_("Ngưỡng (%)"))
    points = forms.DecimalField(
        label=_("Điểm tối đa"), min_value=0, max_digits=6, decimal_places=2, required=False
    )
    rule = forms.ChoiceField(label=_("Cách tính"), choices=ParRule.choices, initial=ParRule.LINEAR)
    steps = forms.CharField(
        label=_("Các bậc (tối thiểu %: điểm; …)"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "30: 0.5; 50: 1"}),
    )

    def clean_steps(self) -> list[tuple[Decimal, Decimal]]:
        return parse_steps(self.cleaned_data.get("steps") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("indicator"):
            return data  # an empty extra row
        if data.get("points") is None:
            self.add_error("points", _("Nhập điểm tối đa."))
        if data.get("threshold") in (None, Decimal(0)):
            self.add_error("threshold", _("Ngưỡng phải lớn hơn 0."))
        if data.get("rule") == ParRule.STEPS and not data.get("steps"):
            self.add_error("steps", _("Cách tính theo bậc cần ít nhất một bậc."))
        return data


class BaseParFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            if self.can_delete and form.cleaned_data.get("DELETE"):
                continue
            code = form.cleaned_data.get("indicator")
            if code and code in seen:
                raise forms.ValidationError(_("Mỗi chỉ tiêu chỉ có một tiêu chí trong năm."))
            if code:
                seen.add(code)


ParFormSet = forms.formset_factory(ParCriterionForm, formset=BaseParFormSet, extra=2, can_delete=True)


class PeriodForm(forms.Form):
    tu = forms.DateField(
        label=_("Từ ngày"),
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )
    den = forms.DateField(
        label=_("Đến ngày"),
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )
    don_vi = forms.ChoiceField(
        label=_("Đơn vị"),
        required=False,
        choices=[("period", _("Theo đơn vị trong kỳ")), ("current", _("Gộp vào đơn vị hiện nay"))],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("tu"), data.get("den")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            self.add_error("den", _("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        return data


class ParYearForm(forms.Form):
    nam = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    don_vi = forms.ChoiceField(
        label=_("Đơn vị"),
        required=False,
        choices=[("period", _("Theo đơn vị trong kỳ")), ("current", _("Gộp vào đơn vị hiện nay"))],
    )
