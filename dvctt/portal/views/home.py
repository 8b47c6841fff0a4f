"""The portal's home page: a search box, the main entry points and popular topics.

The topics are fixed searches rather than catalogue queries so the page renders the same with an empty
catalogue (a fresh install) and costs no database query. Labels follow the interface language; the search
terms stay Vietnamese because the catalogue's procedure names are Vietnamese.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Topic:
    label: str | Promise
    query: str


POPULAR_TOPICS: tuple[Topic, ...] = (
    Topic(_("Đăng ký khai sinh"), "khai sinh"),
    Topic(_("Đăng ký kết hôn"), "kết hôn"),
    Topic(_("Chứng thực bản sao"), "chứng thực"),
    Topic(_("Đăng ký hộ kinh doanh"), "hộ kinh doanh"),
    Topic(_("Cấp giấy phép xây dựng"), "giấy phép xây dựng"),
    Topic(_("Đất đai"), "đất đai"),
    Topic(_("Lý lịch tư pháp"), "lý lịch tư pháp"),
)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"popular_topics": POPULAR_TOPICS})
