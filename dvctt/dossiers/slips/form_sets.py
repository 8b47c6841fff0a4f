"""The administrator's side of the form sets: check an edited wording, confirm a set or a form (who, when).

Reading the set in force is :func:`dvctt.dossiers.slips.forms.form_set_for`.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from dvctt.accounts.models import User
from dvctt.dossiers.models import SlipForm, SlipFormSet
from dvctt.dossiers.slips.render import sample_slip_data
from dvctt.dossiers.slips.wording import wording_render


def wording_check(*, source: str) -> None:
    """Raise WordingError unless ``source`` compiles in the sandbox and renders a sample slip."""
    if source.strip():
        wording_render(source=source, context=sample_slip_data())


def _confirm(
    model: type[SlipFormSet] | type[SlipForm], ids: list[int], user: User | None, at: datetime
) -> int:
    changed = 0
    with transaction.atomic():
        # One save per row (not a bulk update): each confirmation is a history record with its author.
        for row in model.objects.select_for_update().filter(pk__in=ids):
            confirmed = user is not None
            if row.confirmed == confirmed:
                continue
            row.confirmed = confirmed
            row.confirmed_by = user
            row.confirmed_at = at if confirmed else None
            row.save(update_fields=["confirmed", "confirmed_by", "confirmed_at"])
            changed += 1
    return changed


def slip_form_sets_confirm(*, ids: list[int], user: User, at: datetime | None = None) -> int:
    """Mark sets as checked against the circular (dates, number, legal reference) by ``user``; returns how many."""
    return _confirm(SlipFormSet, ids, user, at or timezone.now())


def slip_form_sets_unconfirm(*, ids: list[int], at: datetime | None = None) -> int:
    return _confirm(SlipFormSet, ids, None, at or timezone.now())


def slip_forms_confirm(*, ids: list[int], user: User, at: datetime | None = None) -> int:
    """Mark forms (number, title, wording) as checked against the circular by ``user``; returns how many."""
    return _confirm(SlipForm, ids, user, at or timezone.now())


def slip_forms_unconfirm(*, ids: list[int], at: datetime | None = None) -> int:
    return _confirm(SlipForm, ids, None, at or timezone.now())
