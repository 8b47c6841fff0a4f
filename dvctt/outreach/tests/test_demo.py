"""The demo's outreach data: activities of every channel by the demo accounts, two published practices; once."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from dvctt.accounts import demo as accounts_demo
from dvctt.accounts.models import User
from dvctt.agencies import demo as agencies_demo
from dvctt.outreach import demo, selectors
from dvctt.outreach.models import Channel, CommunicationActivity, GoodPractice

pytestmark = pytest.mark.django_db


def test_the_demo_loads_the_register_and_the_practices_once():
    for loader in (agencies_demo, accounts_demo):
        loader.load(stdout=io.StringIO(), scale=1.0)
    assert demo.load(stdout=io.StringIO(), scale=1.0) == (
        f"{len(demo.ACTIVITIES)} hoạt động truyền thông mới ({len(demo.ACTIVITIES)} hoạt động), 2 cách làm hay mới"
    )
    assert demo.load(stdout=io.StringIO(), scale=1.0).startswith("0 hoạt động truyền thông mới")
    assert set(CommunicationActivity.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert not CommunicationActivity.objects.filter(date__gt=timezone.localdate()).exists()
    assert set(GoodPractice.objects.values_list("state", flat=True)) == {"published"}
    officer = User.objects.get(username="motcua.tp")
    assert selectors.practices_visible_to(officer).count() == 2
    mine = selectors.activities_visible_to(officer)
    assert mine.exists() and set(mine.values_list("unit__name", flat=True)) == {"Sở Tư pháp"}
