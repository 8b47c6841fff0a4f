import pytest
from django.urls import reverse

from dvctt.accounts.models import Role, User


def _nav(client, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("portal:home")).content.decode()


@pytest.mark.django_db
def test_steering_and_plan_links_follow_the_role(client):
    plans_url = reverse("plans:plan_list")
    monitor = User.objects.create_user(username="gs", password="x", role=Role.MONITOR)
    citizen = User.objects.create_user(username="cd", password="x", role=Role.CITIZEN)
    assert f'href="{plans_url}"' not in _nav(client)
    assert f'href="{plans_url}"' not in _nav(client, citizen)
    client.logout()
    assert f'href="{plans_url}"' in _nav(client, monitor)
