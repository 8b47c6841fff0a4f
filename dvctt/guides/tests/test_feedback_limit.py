"""The "was this helpful?" form is limited per client address (dvctt.common.throttle): a client that starts a new
session for every post cannot write comments as fast as it likes; reading the pages is never limited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dvctt.guides import services
from dvctt.guides.models import Feedback

from .conftest import GUIDE

pytestmark = pytest.mark.django_db


@pytest.fixture
def slug(people: dict[str, Any], settings: Any) -> str:
    settings.DVCTT_GUIDE_FEEDBACK_LIMIT = 3
    settings.DVCTT_GUIDE_FEEDBACK_WINDOW = 600
    guide = services.guide_create(actor=people["monitor"], **GUIDE)
    services.guide_submit_for_review(actor=people["monitor"], guide_id=guide.pk)
    services.guide_publish(actor=people["monitor2"], guide_id=guide.pk)
    return guide.slug


def _vote(address: str, url: str) -> Any:
    """One post from a fresh session (a new Client each time), as a script would send it."""
    return Client(REMOTE_ADDR=address).post(url, {"helpful": "no", "comment": "spam"})


def test_past_the_limit_a_post_is_refused_and_writes_nothing(slug: str) -> None:
    url = f"/huong-dan/{slug}/gop-y/"
    assert [_vote("203.0.113.7", url).status_code for _ in range(3)] == [302, 302, 302]
    assert Feedback.objects.count() == 3
    refused = _vote("203.0.113.7", url)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "quá nhiều góp ý" in refused.content.decode()
    faq = _vote("203.0.113.7", "/huong-dan/hoi-dap/gop-y/")  # the FAQ page's form shares the budget
    assert faq.status_code == 429
    assert Feedback.objects.count() == 3


def test_another_address_and_page_views_are_not_limited(slug: str) -> None:
    for _ in range(4):
        _vote("203.0.113.7", f"/huong-dan/{slug}/gop-y/")
    assert _vote("198.51.100.20", f"/huong-dan/{slug}/gop-y/").status_code == 302
    assert Feedback.objects.count() == 4
    reader = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(6):
        assert reader.get(f"/huong-dan/{slug}/").status_code == 200
        assert reader.get("/huong-dan/hoi-dap/").status_code == 200


def test_a_limit_of_zero_turns_it_off(slug: str, settings: Any) -> None:
    settings.DVCTT_GUIDE_FEEDBACK_LIMIT = 0
    assert {_vote("203.0.113.7", "/huong-dan/hoi-dap/gop-y/").status_code for _ in range(5)} == {302}
    assert Feedback.objects.count() == 5
