"""Migrations 0002/0003: revisions keep the attached procedures' codes; on an existing database each guide's latest
revision gets the set attached now (it was saved with it), older ones stay unknown (None)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dvctt.guides import services
from dvctt.guides.models import Guide

from .conftest import GUIDE


def _to(name: str) -> None:
    MigrationExecutor(connection).migrate([("guides", name)])


@pytest.mark.django_db(transaction=True)
def test_the_latest_revision_is_filled_with_the_current_procedures(people: Any, procedure: Any) -> None:
    guide = services.guide_create(actor=people["monitor"], procedure_codes=["1.001193"], **GUIDE)
    services.guide_submit_for_review(actor=people["monitor"], guide_id=guide.pk)
    try:
        _to("0001_guides_faq_feedback")  # the column goes, and with it what the revisions kept
    finally:
        _to("0003_revision_procedure_codes_backfill")
    rows = Guide.objects.get().history.order_by("history_date", "history_id")
    assert [h.procedure_codes for h in rows] == [None, ["1.001193"]]
