"""Forms of the task and difficulty pages: they parse and show errors; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dvctt.agencies.models import Unit
from dvctt.plans.models import Plan

from .models import DifficultyCategory

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


def _units_in_force() -> Any:
    from dvctt.agencies.selectors import units_in_force

    return units_in_force(on=timezone.localdate()).order_by("level", "code")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class TaskForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Kế hoạch"), queryset=Plan.objects.all(), empty_label=None)
    code = forms.CharField(label=_("Mã nhiệm vụ"), max_length=32, help_text=_("Ví dụ: NV-01"))
    title = forms.CharField(label=_("Nhiệm vụ"), max_length=500)
    description = forms.CharField(
        label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead_unit = UnitChoiceField(label=_("Đơn vị chủ trì"), queryset=Unit.objects.none())
    cooperating_units = UnitsChoiceField(
        label=_("Đơn vị phối hợp"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    start_date = forms.DateField(label=_("Ngày bắt đầu"), required=False, widget=DATE_WIDGET)
    deadline = forms.DateField(label=_("Hạn hoàn thành"), widget=DATE_WIDGET)
    expected_result = forms.CharField(
        label=_("Kết quả dự kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = _units_in_force()
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["cooperating_units"].queryset = units  # type: ignore[attr-defined]


class TaskImportForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Kế hoạch"), queryset=Plan.objects.all(), empty_label=None)
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx."))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Tệp lớn hơn 5 MB."))
        return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); the service checks each."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ProgressForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Báo cáo cho đơn vị"), coerce=int)
    percent = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)
    text = forms.CharField(label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 4}))
    links = forms.CharField(
        label=_("Đường dẫn minh chứng"),
        required=False,
        help_text=_("Mỗi dòng một đường dẫn (http:// hoặc https://)."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = MultipleFileField(
        label=_("Tệp minh chứng"),
        required=False,
        help_text=_("PDF, ảnh, DOCX, XLSX; tối đa 5 tệp."),
    )

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]  # type: ignore[attr-defined]

    def link_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("links", "").splitlines() if line.strip()]


class DifficultyForm(forms.Form):
    category = forms.ChoiceField(label=_("Loại"), choices=[("", _("— Chọn —")), *DifficultyCategory.choices])
    subject = forms.CharField(label=_("Tiêu đề"), max_length=255)
    content = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 6}))
    procedure = forms.CharField(
        label=_("Mã thủ tục liên quan"),
        required=False,
        max_length=40,
        help_text=_("Nếu khó khăn về một thủ tục, ví dụ 1.000948."),
    )
