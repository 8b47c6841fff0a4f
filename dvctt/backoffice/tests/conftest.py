"""Back-office fixtures: the dossier fixtures (calendar, unit, staff, procedure, dossiers) and signed-in clients."""

from __future__ import annotations

import pytest
from django.test import Client

from dvctt.dossiers.tests.conftest import *  # noqa: F403 - the dossier fixtures


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def one_stop_client(one_stop) -> Client:
    return client_for(one_stop)


@pytest.fixture
def specialist_client(specialist) -> Client:
    return client_for(specialist)


@pytest.fixture
def leader_client(leader) -> Client:
    return client_for(leader)
