"""A web process freezes its long-lived objects once, after its first response (dvctt/common/collector.py)."""

from __future__ import annotations

import gc

import pytest
from django.test import Client, override_settings

from dvctt.common import collector


@pytest.fixture
def fresh_process(monkeypatch):
    """As if this were a new process: nothing frozen yet (the suite's earlier requests froze their own)."""
    gc.unfreeze()
    monkeypatch.setattr(collector, "_frozen", False)
    yield
    gc.unfreeze()


@pytest.mark.django_db
def test_the_first_response_freezes_what_the_process_keeps_and_only_once(fresh_process):
    assert gc.get_freeze_count() == 0
    client = Client()
    # when the process answers its first request
    assert client.get("/healthz").status_code == 200
    # then what it keeps (modules, URLconf, templates, catalogues) is out of the collector's passes
    frozen = gc.get_freeze_count()
    assert frozen > 10_000
    # and later responses freeze nothing more (a frozen object nothing refers to any more is still freed)
    assert client.get("/healthz").status_code == 200
    assert gc.get_freeze_count() <= frozen
    assert collector.freeze_once() is False


@pytest.mark.django_db
def test_the_freeze_can_be_switched_off(fresh_process):
    with override_settings(DVCTT_GC_FREEZE=False):
        client = Client()
        assert client.get("/healthz").status_code == 200
    assert gc.get_freeze_count() == 0
