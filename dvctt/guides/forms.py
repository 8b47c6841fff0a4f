"""Forms of the back office and of the public feedback. They parse; the services check and write."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind
from .services import COMMENT_MAX, QUESTION_MAX, TITLE_MAX

_SPLIT_CODES = re.compile(r"[\s,;]+")
_TEXTAREA = {"rows": 14, "cols": 80}


def parse_videos(text: str) -> list[dict[str, str]]:
    """One video a line: the address, then optionally ``|`` and a title."""
    videos = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        url, _sep, title = line.partition("|") if "|" in line else line.partition(" ")
        videos.append({"url": url.strip(), "title": title.strip()})
    return videos


def videos_text(videos: list[dict[str, str]]) -> str:
    return "\n".join(f"{v['url']} | {v['title']}" if v.get("title") else v["url"] for v in videos or [])


def parse_codes(text: str) -> list[str]:
    return [code for code in _SPLIT_CODES.split(text or "") if code]


class GuideForm(forms.Form):
    slug = forms.CharField(
        label=_("Đường dẫn"),
        max_length=80,
        help_text=_(
            "Chữ thường không dấu, số và dấu gạch ngang, ví dụ: nop-ho-so-truc-tuyen. Không đổi được sau khi tạo."
        ),
    )
    kind = forms.ChoiceField(label=_("Loại hướng dẫn"), choices=Kind.choices)
    order = forms.IntegerField(label=_("Thứ tự hiển thị"), min_value=0, max_value=32767, initial=100)
    title_vi = forms.CharField(label=_("Tiêu đề"), max_length=TITLE_MAX)
    body_vi = forms.CharField(
        label=_("Nội dung"),
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text=_(
            "Viết bằng Markdown: # tiêu đề mục, 1. các bước, **chữ đậm**, [liên kết](https://…), ![mô tả ảnh](địa chỉ ảnh đã tải lên)."
        ),
    )
    title_en = forms.CharField(label=_("Tiêu đề (tiếng Anh)"), max_length=TITLE_MAX, required=False)
    body_en = forms.CharField(
        label=_("Nội dung (tiếng Anh)"),
        widget=forms.Textarea(attrs=_TEXTAREA),
        required=False,
        help_text=_(
            "Để trống cả tiêu đề và nội dung tiếng Anh: trang tiếng Anh hiển thị bản tiếng Việt, có ghi chú."
        ),
    )
    videos = forms.CharField(
        label=_("Video hướng dẫn"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        required=False,
        help_text=_("Mỗi dòng một địa chỉ http(s), có thể thêm “| tên video”. Hiển thị dưới dạng liên kết."),
    )
    procedures = forms.CharField(
        label=_("Mã thủ tục áp dụng"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        required=False,
        help_text=_(
            "Các mã thủ tục, cách nhau bởi dấu phẩy hoặc xuống dòng; hướng dẫn hiện trên trang của các thủ tục này."
        ),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["slug"]


class FaqForm(forms.Form):
    topic = forms.ChoiceField(label=_("Chủ đề"), choices=Kind.choices)
    order = forms.IntegerField(label=_("Thứ tự hiển thị"), min_value=0, max_value=32767, initial=100)
    question_vi = forms.CharField(label=_("Câu hỏi"), max_length=QUESTION_MAX)
    answer_vi = forms.CharField(
        label=_("Trả lời"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text=_("Viết bằng Markdown."),
    )
    question_en = forms.CharField(label=_("Câu hỏi (tiếng Anh)"), max_length=QUESTION_MAX, required=False)
    answer_en = forms.CharField(
        label=_("Trả lời (tiếng Anh)"), widget=forms.Textarea(attrs={"rows": 8, "cols": 80}), required=False
    )


class ImageForm(forms.Form):
    image = forms.FileField(label=_("Ảnh minh họa"), help_text=_("PNG, JPEG hoặc WebP, tối đa 2 MB."))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class FeedbackForm(forms.Form):
    helpful = forms.ChoiceField(choices=[("yes", _("Có")), ("no", _("Không"))])
    comment = forms.CharField(
        label=_("Góp ý thêm (không bắt buộc, không ghi thông tin cá nhân)"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX}),
    )
