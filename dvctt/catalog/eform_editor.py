"""The administrator's e-form editor: a widget over the ``eform`` JSON of a procedure version.

The editor (``catalog/js/eform_editor.js``) lists the fields (name, label, type, required, choices, help text,
maximum length, what the applicant's account fills in), lets the administrator add, remove and reorder them, shows a preview of the form as the
applicant will see it, and writes the definition back into the field's textarea, which is what is posted.
Without script the textarea stays usable. The server validates the definition (``eforms``) before saving.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dvctt.catalog.eforms import FIELD_TYPES, PREFILL_NONE, PREFILL_ROLES

#: How each field type is named to administrators.
TYPE_LABELS = {
    "text": gettext_lazy("Văn bản một dòng"),
    "textarea": gettext_lazy("Văn bản nhiều dòng"),
    "number": gettext_lazy("Số"),
    "integer": gettext_lazy("Số nguyên"),
    "money": gettext_lazy("Số tiền (đồng)"),
    "date": gettext_lazy("Ngày (dd/mm/yyyy)"),
    "select": gettext_lazy("Chọn một"),
    "multiselect": gettext_lazy("Chọn nhiều"),
    "checkbox": gettext_lazy("Ô đánh dấu (có/không)"),
    "email": gettext_lazy("Thư điện tử"),
    "phone": gettext_lazy("Số điện thoại"),
    "id_number": gettext_lazy("Số định danh cá nhân"),
}

#: What the account fills in, as named to administrators ("" = recognised by the field's name).
PREFILL_LABELS = {
    "": gettext_lazy("Tự nhận theo tên trường"),
    PREFILL_NONE: gettext_lazy("Không điền sẵn"),
    "full_name": gettext_lazy("Họ và tên người nộp"),
    "national_id": gettext_lazy("Số định danh cá nhân người nộp"),
    "phone": gettext_lazy("Số điện thoại người nộp"),
    "email": gettext_lazy("Thư điện tử người nộp"),
    "address": gettext_lazy("Nơi thường trú người nộp"),
    "birth_date": gettext_lazy("Ngày sinh người nộp"),
}


def _texts() -> dict[str, str]:
    """The editor's words, translated here so the script carries none."""
    return {
        "add": _("Thêm trường"),
        "remove": _("Xóa"),
        "up": _("Lên"),
        "down": _("Xuống"),
        "name": _("Tên kỹ thuật (chữ thường không dấu, số, _)"),
        "label": _("Nhãn hiển thị"),
        "type": _("Kiểu"),
        "required": _("Bắt buộc"),
        "choices": _("Lựa chọn (mỗi dòng một lựa chọn: giá trị|nhãn)"),
        "help": _("Hướng dẫn nhập"),
        "max_length": _("Độ dài tối đa"),
        "prefill": _("Điền sẵn từ tài khoản người nộp"),
        "field": _("Trường"),
        "preview": _("Xem trước tờ khai"),
        "empty": _("Biểu mẫu chưa có trường nào."),
        "choose": _("— Chọn —"),
        "fields": _("Các trường của tờ khai"),
        "json": _("Định nghĩa JSON (nâng cao)"),
    }


class EFormEditorWidget(forms.Textarea):
    template_name = "catalog/widgets/eform_editor.html"

    class Media:
        js = ["catalog/js/eform_editor.js"]
        css = {"all": ["catalog/css/eform_editor.css"]}

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs={"rows": 8, "class": "eform-json", **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["editor"] = {
            "types": json.dumps({t: str(TYPE_LABELS.get(t, t)) for t in FIELD_TYPES}, ensure_ascii=False),
            "texts": json.dumps(_texts(), ensure_ascii=False),
            # A list, not an object: the order is the menu's.
            "prefills": json.dumps(
                [[key, str(PREFILL_LABELS[key]), list(PREFILL_ROLES.get(key, ()))] for key in PREFILL_LABELS],
                ensure_ascii=False,
            ),
        }
        return context
