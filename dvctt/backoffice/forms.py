"""Forms of the back office: inbox filters, counter intake and one form per move of the state machine.

Forms parse and validate input only; views hand the cleaned data to one service.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dvctt.accounts.models import User
from dvctt.dossiers.models import ApplicantType, ReturnMethod
from dvctt.dossiers.selectors_inbox import DUE_STATES, SORTS
from dvctt.dossiers.states import Channel, Status

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

#: The inbox's "finished" view (``?xem=ket_thuc``): dossiers that no longer wait for an official.
FINISHED = "ket_thuc"

DUE_LABELS = {
    "late": _("Quá hạn"),
    "soon": _("Đến hạn trong 1 ngày làm việc"),
    "on_track": _("Trong hạn"),
    "paused": _("Tạm dừng tính thời gian"),
    "none": _("Chưa có hạn"),
}


class InboxFilterForm(forms.Form):
    cua_toi = forms.BooleanField(label=_("Chỉ việc của tôi"), required=False)
    trang_thai = forms.TypedChoiceField(
        label=_("Trạng thái"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tất cả")), *Status.choices],
    )
    thu_tuc = forms.CharField(label=_("Mã thủ tục"), required=False, max_length=40)
    kenh = forms.TypedChoiceField(
        label=_("Kênh"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tất cả")), *Channel.choices],
    )
    han = forms.ChoiceField(
        label=_("Thời hạn"),
        required=False,
        choices=[("", _("Tất cả"))] + [(k, DUE_LABELS[k]) for k in DUE_STATES],
    )
    sap_xep = forms.ChoiceField(
        label=_("Sắp xếp"),
        required=False,
        choices=[
            ("work", _("Việc cần làm trước (mới, đã tiếp nhận; hạn gần nhất)")),
            ("due", _("Hạn trả: sớm nhất trước")),
            ("-due", _("Hạn trả: muộn nhất trước")),
            ("received", _("Ngày tiếp nhận: cũ nhất trước")),
            ("-received", _("Ngày tiếp nhận: mới nhất trước")),
            ("code", _("Mã hồ sơ")),
            ("-ended", _("Ngày kết thúc: mới nhất trước")),
        ],
    )
    xem = forms.ChoiceField(
        label=_("Hiển thị"),
        required=False,
        choices=[("", _("Hồ sơ đang chờ xử lý")), (FINISHED, _("Hồ sơ đã kết thúc"))],
    )

    def clean_sap_xep(self) -> str:
        value = self.cleaned_data.get("sap_xep") or ""
        if value in SORTS:
            return value
        return "-ended" if self.data.get("xem") == FINISHED else "work"


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Mã hồ sơ, tên hoặc số định danh chủ hồ sơ"), max_length=100, required=False, strip=True
    )


class PeriodForm(forms.Form):
    tu_ngay = forms.DateField(
        label=_("Từ ngày"),
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        error_messages={"invalid": _("Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy.")},
    )
    den_ngay = forms.DateField(
        label=_("Đến ngày"),
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        error_messages={"invalid": _("Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("tu_ngay"), data.get("den_ngay")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("“Từ ngày” phải trước hoặc bằng “Đến ngày”."))
            if (end - start).days > 366:
                raise forms.ValidationError(_("Khoảng thời gian tối đa là 366 ngày."))
        return data


# --- counter intake ----------------------------------------------------------------------------------------

INTAKE_CHANNELS = [
    ("1", _("Trực tiếp tại bộ phận một cửa")),
    ("3", _("Qua bưu chính công ích")),
    ("2", _("Nộp trực tuyến thay công dân (hỗ trợ)")),
]


class IntakeForm(forms.Form):
    """The walk-in, postal or assisted-online dossier; e-form fields and components are added per procedure.

    ``units`` (code, name) is given for a procedure received regardless of administrative boundaries: the
    officer then chooses the competent unit (``don_vi``) among the units that perform it.
    """

    token = forms.CharField(widget=forms.HiddenInput)
    thu_tuc = forms.CharField(widget=forms.HiddenInput)
    kenh = forms.ChoiceField(label=_("Hình thức nộp"), choices=INTAKE_CHANNELS, widget=forms.RadioSelect)
    loai_doi_tuong = forms.TypedChoiceField(
        label=_("Loại đối tượng"), choices=ApplicantType.choices, coerce=int, initial=ApplicantType.CITIZEN
    )
    ho_ten = forms.CharField(label=_("Họ tên chủ hồ sơ (hoặc tên tổ chức)"), max_length=255)
    so_dinh_danh = forms.RegexField(
        label=_("Số định danh cá nhân / mã số thuế"),
        regex=r"^[0-9]{9,12}$|^[0-9]{10}-[0-9]{3}$",
        required=False,
        error_messages={"invalid": _("Số định danh gồm 9 đến 12 chữ số.")},
    )
    dien_thoai = forms.RegexField(
        label=_("Điện thoại"),
        regex=r"^\+?[0-9 .]{9,15}$",
        required=False,
        error_messages={"invalid": _("Số điện thoại không hợp lệ.")},
    )
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    dia_chi = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)

    def __init__(
        self,
        *args: Any,
        eform: list[dict[str, Any]],
        components: list[Any],
        units: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["don_vi"] = forms.ChoiceField(
                label=_("Đơn vị có thẩm quyền giải quyết"),
                choices=[("", "—"), *units],
                widget=forms.Select(attrs={"aria-describedby": "don_vi_hint"}),
                help_text=_(
                    "Thủ tục được tiếp nhận không phụ thuộc địa giới hành chính: hồ sơ mang mã của đơn vị bạn và "
                    "được chuyển đến đơn vị có thẩm quyền ngay sau khi tiếp nhận."
                ),
                error_messages={
                    "required": _("Chọn đơn vị có thẩm quyền giải quyết."),
                    "invalid_choice": _("Đơn vị này không giải quyết thủ tục."),
                },
            )
        self.eform_names: list[str] = []
        self.component_fields: list[tuple[str, str, bool]] = []
        for item in eform:
            name = f"tk_{item['name']}"
            self.fields[name] = _eform_field(item)
            self.eform_names.append(name)
        for component in components:
            name = f"tp_{component.pk}"
            self.fields[name] = forms.FileField(
                label=component.name,
                required=False,
                help_text=_("Bản quét (PDF, JPEG, PNG).") if component.required else _("Không bắt buộc."),
            )
            self.component_fields.append((name, component.name, component.required))

    def eform_data(self) -> dict[str, Any]:
        return {n[3:]: self.cleaned_data.get(n) for n in self.eform_names}


def _eform_field(item: dict[str, Any]) -> forms.Field:
    label = item.get("label") or item["name"]
    required = bool(item.get("required"))
    kind = item.get("type", "text")
    if kind in ("select", "multiselect"):
        choices = [(c[0], c[1]) if isinstance(c, list | tuple) else (c, c) for c in item.get("choices", [])]
        if kind == "multiselect":
            return forms.MultipleChoiceField(
                label=label, required=required, choices=choices, widget=forms.CheckboxSelectMultiple
            )
        return forms.ChoiceField(label=label, required=required, choices=[("", "—"), *choices])
    if kind == "checkbox":
        return forms.BooleanField(label=label, required=False)
    widget: forms.Widget = forms.TextInput()
    if kind == "textarea":
        widget = forms.Textarea(attrs={"rows": 3})
    elif kind == "date":
        widget = forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
    elif kind in ("number", "integer", "money", "id_number", "phone"):
        widget = forms.TextInput(attrs={"inputmode": "numeric"})
    # Values go to the e-form validator as typed: it owns the rules (dates dd/mm/yyyy, numbers, ids).
    return forms.CharField(
        label=label,
        required=required,
        max_length=item.get("max_length") or 2000,
        widget=widget,
        help_text=item.get("help", ""),
    )


# --- one form per move ---------------------------------------------------------------------------------------


class MoveForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self, *args: Any, dossier: Any = None, officers: Any = None, units: Any = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.dossier = dossier


class ReasonsForm(MoveForm):
    reasons = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class ReasonForm(MoveForm):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class SupplementForm(MoveForm):
    content = forms.CharField(
        label=_("Nội dung yêu cầu bổ sung, hoàn thiện"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=8000,
        help_text=_("Ghi rõ từng giấy tờ cần bổ sung và lý do (một lần, đầy đủ)."),
    )
    deadline = forms.DateTimeField(
        label=_("Hạn bổ sung"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy HH:MM"}),
        error_messages={"invalid": _("Thời điểm không hợp lệ, hãy nhập theo dạng dd/mm/yyyy HH:MM.")},
    )
    second_request_reason = forms.CharField(
        label=_("Lý do yêu cầu bổ sung lần hai (nếu có)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Yêu cầu lần hai làm hồ sơ bị tính là trễ hạn."),
    )


class AnswerSupplementForm(MoveForm):
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file_name = forms.CharField(label=_("Tên giấy tờ bổ sung"), required=False, max_length=255)
    file = forms.FileField(label=_("Tệp bổ sung (bản quét)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("file") and not (data.get("file_name") or "").strip():
            self.add_error("file_name", _("Nhập tên giấy tờ của tệp bổ sung."))
        return data


class ForwardForm(MoveForm):
    """Choose the specialist and/or the other units by name; ``data-search`` lets the page's script add a filter
    box (``backoffice/js/picker.js``), and without script the lists still work as they are."""

    assignee = forms.ModelChoiceField(
        label=_("Chuyển cho cán bộ"),
        queryset=User.objects.none(),
        required=False,
        empty_label="—",
        widget=forms.Select(attrs={"data-search": _("Tìm cán bộ theo tên")}),
    )
    to_units = forms.MultipleChoiceField(
        label=_("Chuyển liên thông đến đơn vị"),
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple(attrs={"data-search": _("Tìm đơn vị theo tên")}),
        error_messages={"invalid_choice": _("Đơn vị “%(value)s” không có trong danh sách.")},
    )
    note = forms.CharField(label=_("Ý kiến chuyển"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, officers: Any = None, units: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if officers is not None:
            self.fields["assignee"].queryset = officers  # type: ignore[attr-defined]
            self.fields["assignee"].label_from_instance = lambda u: (  # type: ignore[attr-defined]
                f"{u.full_name or u.username} ({u.get_role_display()})"
            )
        # (code, name) pairs: the officer reads the name, the service receives the code.
        self.fields["to_units"].choices = [(code, name) for code, name in units or []]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        codes = list(data.get("to_units") or [])
        data["unit_codes"] = codes
        if not data.get("assignee") and not codes and not self.errors:
            raise forms.ValidationError(_("Chọn cán bộ xử lý hoặc đơn vị liên thông."))
        return data


class FinancialForm(MoveForm):
    amount = forms.IntegerField(label=_("Số tiền (đồng)"), min_value=1)
    content = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}))


class PaymentForm(MoveForm):
    amount = forms.IntegerField(label=_("Số tiền đã nộp (đồng)"), min_value=1)
    reference = forms.CharField(label=_("Số biên lai / mã giao dịch"), required=False, max_length=100)


class ApproveForm(MoveForm):
    result_name = forms.CharField(label=_("Tên giấy tờ kết quả"), max_length=255)
    result_file = forms.FileField(label=_("Tệp kết quả (bản điện tử)"), required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ApologyForm(MoveForm):
    new_due_at = forms.DateTimeField(
        label=_("Ngày hẹn trả mới"),
        input_formats=DATETIME_FORMATS,
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy HH:MM"}),
        error_messages={"invalid": _("Thời điểm không hợp lệ, hãy nhập theo dạng dd/mm/yyyy HH:MM.")},
    )
    reason = forms.CharField(
        label=_("Lý do chậm trả kết quả"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class ReturnForm(MoveForm):
    method = forms.ChoiceField(label=_("Hình thức trả kết quả"), choices=ReturnMethod.choices)


class ProposeForm(MoveForm):
    """The specialist's proposal, for the unit leader to sign off."""

    outcome = forms.ChoiceField(
        label=_("Đề xuất"),
        choices=[("approve", _("Phê duyệt, cấp kết quả")), ("refuse", _("Từ chối giải quyết"))],
        widget=forms.RadioSelect,
        initial="approve",
    )
    result_name = forms.CharField(
        label=_("Tên giấy tờ kết quả (khi đề xuất phê duyệt)"), required=False, max_length=255
    )
    reasons = forms.CharField(
        label=_("Lý do (khi đề xuất từ chối)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    note = forms.CharField(
        label=_("Ý kiến trình lãnh đạo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == "approve" and not (data.get("result_name") or "").strip():
            self.add_error("result_name", _("Nhập tên giấy tờ kết quả."))
        if data.get("outcome") == "refuse" and not (data.get("reasons") or "").strip():
            self.add_error("reasons", _("Nhập lý do từ chối."))
        return data


class ReturnProposalForm(MoveForm):
    note = forms.CharField(
        label=_("Ý kiến trả lại cho chuyên viên"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


MOVE_FORMS: dict[str, type[MoveForm]] = {
    "receive": MoveForm,
    "refuse_acceptance": ReasonsForm,
    "request_supplement": SupplementForm,
    "answer_supplement": AnswerSupplementForm,
    "forward": ForwardForm,
    "request_financial_obligation": FinancialForm,
    "record_payment": PaymentForm,
    "approve": ApproveForm,
    "refuse": ReasonsForm,
    "stop": ReasonsForm,
    "request_withdrawal": ReasonForm,
    "accept_withdrawal": MoveForm,
    "reject_withdrawal": ReasonForm,
    "draft_apology": ApologyForm,
    "apologise": ApologyForm,
    "return_result": ReturnForm,
    "mark_uncollected": MoveForm,
    "propose_result": ProposeForm,
    "return_proposal": ReturnProposalForm,
}
