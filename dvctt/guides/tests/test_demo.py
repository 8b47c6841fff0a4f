"""The demo's guides and FAQ: written by the monitor, published by the administrator, attached to real procedures,
with a few votes; idempotent."""

from __future__ import annotations

import io

import pytest

from dvctt.accounts import demo as accounts_demo
from dvctt.agencies import demo as agencies_demo
from dvctt.catalog import demo as catalog_demo
from dvctt.guides import demo, selectors
from dvctt.guides.models import Faq, Feedback, Guide, Status

pytestmark = pytest.mark.django_db


def test_the_demo_loads_guides_and_faq_once() -> None:
    for loader in (agencies_demo, accounts_demo, catalog_demo):
        loader.load(stdout=io.StringIO(), scale=1.0)
    summary = demo.load(stdout=io.StringIO(), scale=1.0)
    assert summary.startswith("5 hướng dẫn mới (5 hướng dẫn), 11 câu hỏi mới (11 câu hỏi)")
    assert (
        demo.load(stdout=io.StringIO(), scale=1.0)
        == "0 hướng dẫn mới (5 hướng dẫn), 0 câu hỏi mới (11 câu hỏi), 0 lượt góp ý"
    )
    guides = {g.slug: g for g in Guide.objects.all()}
    assert guides["theo-doi-ho-so"].status == Status.REVIEW and not guides["theo-doi-ho-so"].is_live
    apply = guides["nop-ho-so-truc-tuyen"]
    assert apply.is_live and apply.reviewer.username == "quantri" and apply.author.username == "giamsat"
    assert "<table>" in apply.live["html_vi"] and apply.live["title_en"]
    assert apply.live_procedures.count() == 3
    code = apply.live_procedures.order_by("code").first().code
    assert apply in selectors.guides_for_procedure(code=code)
    assert not guides["khi-gap-su-co"].title_en  # Vietnamese only: English readers get the fallback
    assert Faq.objects.filter(is_live=True).count() == 11
    assert [f.question_vi for f in selectors.faqs_public(query="quen mat khau")] == [
        "Quên mật khẩu thì làm thế nào?"
    ]
    assert Feedback.objects.count() == 42
