"""Forms of the outreach pages: they parse and show errors; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dvctt.plans.dashboards.periods import UNITS_MODES

from .models import MAX_REACH, Audience, Channel
from .selectors import PRACTICE_INDICATORS

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
DATE_ERRORS = {"invalid": _("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 31/12/2025.")}


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


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


class ActivityForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=None, empty_label=None)
    date = forms.DateField(
        label=_("Ngày thực hiện"),
        input_formats=DATE_INPUT_FORMATS,
        widget=DATE_WIDGET,
        error_messages=DATE_ERRORS,
    )
    channel = forms.ChoiceField(label=_("Hình thức"), choices=[("", _("— Chọn —")), *Channel.choices])
    title = forms.CharField(label=_("Tiêu đề"), max_length=255)
    audience = forms.ChoiceField(label=_("Đối tượng"), choices=[("", _("— Chọn —")), *Audience.choices])
    reach = forms.IntegerField(
        label=_("Số người được tiếp cận"),
        min_value=0,
        max_value=MAX_REACH,
        help_text=_("Ước tính: số người dự, số lượt xem, số tờ rơi phát ra."),
        error_messages={
            "min_value": _("Không được âm."),
            "max_value": _("Tối đa %(limit_value)s."),
            "invalid": _("Nhập một số nguyên."),
        },
    )
    place = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    summary = forms.CharField(
        label=_("Nội dung tóm tắt"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    links = forms.CharField(
        label=_("Đường dẫn"),
        required=False,
        help_text=_("Mỗi dòng một đường dẫn (http:// hoặc https://): bài báo, video, bài đăng."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    attachments = MultipleFileField(
        label=_("Tệp đính kèm"), required=False, help_text=_("PDF, ảnh, DOCX, XLSX; tối đa 5 tệp một lần.")
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def link_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("links", "").splitlines() if line.strip()]


class PracticeForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=None)
    title = forms.CharField(label=_("Tiêu đề"), max_length=255)
    what = forms.CharField(
        label=_("Cách làm"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Đã làm gì, làm thế nào; xuống dòng để tách đoạn."),
    )
    who = forms.CharField(
        label=_("Người thực hiện"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Người, bộ phận, chức danh đã thực hiện."),
    )
    before_from = forms.DateField(
        label=_("Kỳ trước: từ ngày"),
        input_formats=DATE_INPUT_FORMATS,
        widget=DATE_WIDGET,
        error_messages=DATE_ERRORS,
    )
    before_to = forms.DateField(
        label=_("Kỳ trước: đến ngày"),
        input_formats=DATE_INPUT_FORMATS,
        widget=DATE_WIDGET,
        error_messages=DATE_ERRORS,
    )
    after_from = forms.DateField(
        label=_("Kỳ sau: từ ngày"),
        input_formats=DATE_INPUT_FORMATS,
        widget=DATE_WIDGET,
        error_messages=DATE_ERRORS,
    )
    after_to = forms.DateField(
        label=_("Kỳ sau: đến ngày"),
        input_formats=DATE_INPUT_FORMATS,
        widget=DATE_WIDGET,
        error_messages=DATE_ERRORS,
        help_text=_("Trọn tháng, quý, nửa năm hoặc năm được gọi tên như trên trang theo dõi."),
    )
    units_mode = forms.ChoiceField(label=_("Cách tính đơn vị"), choices=UNITS_MODES, initial="period")
    indicators = forms.MultipleChoiceField(
        label=_("Chỉ tiêu so sánh"),
        choices=[(i.code, i.name) for i in PRACTICE_INDICATORS],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
