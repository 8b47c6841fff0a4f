"""The public and back-office pages read in a fixed number of queries, however many guides there are."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dvctt.guides import services

from .conftest import GUIDE

pytestmark = pytest.mark.django_db

PAGES = [
    "/huong-dan/",
    "/huong-dan/hoi-dap/?q=dang+nhap",
    "/theo-doi/huong-dan/",
    "/theo-doi/huong-dan/hoi-dap/",
    "/theo-doi/huong-dan/gop-y/",
    "/thu-tuc/1.001193/",
]


def _add(people: dict[str, Any], n: int, start: int) -> None:
    for i in range(start, start + n):
        guide = services.guide_create(
            actor=people["monitor"], procedure_codes=["1.001193"], **{**GUIDE, "slug": f"huong-dan-{i}"}
        )
        services.guide_submit_for_review(actor=people["monitor"], guide_id=guide.pk)
        services.guide_publish(actor=people["monitor2"], guide_id=guide.pk)
        services.feedback_record(
            page_key=f"guide:{guide.pk}", guide=guide, helpful=True, comment="Tốt", token=f"{i:032d}"
        )
        faq = services.faq_create(
            actor=people["monitor"], topic="sign_in", question_vi=f"Đăng nhập {i}?", answer_vi="Đáp."
        )
        services.faq_move(actor=people["monitor"], faq_id=faq.pk, action="submit")
        services.faq_move(actor=people["monitor2"], faq_id=faq.pk, action="publish")


def _counts(client: Client) -> dict[str, int]:
    counts = {}
    for url in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_query_counts_do_not_grow_with_the_number_of_guides(people: Any, procedure: Any) -> None:
    client = Client()
    client.force_login(people["monitor"])
    _add(people, 2, 0)
    few = _counts(client)
    _add(people, 6, 2)
    many = _counts(client)
    assert many == few
    # pinned (the session with its user is one of them); the procedure page, built by the portal, is only
    # checked not to grow: the guides' part of it is one query
    pinned = {url: n for url, n in few.items() if not url.startswith("/thu-tuc/")}
    assert pinned == {
        "/huong-dan/": 3,
        "/huong-dan/hoi-dap/?q=dang+nhap": 3,
        "/theo-doi/huong-dan/": 3,
        "/theo-doi/huong-dan/hoi-dap/": 3,
        "/theo-doi/huong-dan/gop-y/": 4,
    }
