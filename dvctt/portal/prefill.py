"""What the applicant's account fills in on a procedure's e-form, and what it locks.

A field is filled from the account by its declared role (``"prefill": "full_name"`` in the e-form definition) or
by a well-known name (``catalog.eforms.eform_field_prefill``). The values come from the account (name, number,
phone, e-mail) and from the national identity the account is linked to (name, number, birth date, permanent
address): the latter are *verified*. A verified field is shown read-only and the server overwrites whatever was
posted for it with the identity's value (the same rule as the applicant's own verified fields): the applicant
cannot submit a name or a number other than the one the national identity vouches for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dvctt.accounts.national import national_identity_of
from dvctt.catalog.eforms import eform_field_prefill


@dataclass(frozen=True)
class AccountFacts:
    """What the account holds, by prefill role; ``verified`` lists the roles the national identity vouches for."""

    values: dict[str, str] = field(default_factory=dict)
    verified: frozenset[str] = frozenset()


def account_facts(user: Any) -> AccountFacts:
    if not getattr(user, "is_authenticated", False):
        return AccountFacts()
    values = {
        "full_name": user.full_name,
        "national_id": user.national_id,
        "phone": user.phone,
        "email": user.email,
    }
    verified: set[str] = set()
    identity = national_identity_of(user)
    if identity is not None:
        vouched = {
            "full_name": identity.full_name,
            "national_id": identity.id_number,
            "address": identity.address,
            "birth_date": identity.date_of_birth.strftime("%d/%m/%Y") if identity.date_of_birth else "",
        }
        for role, value in vouched.items():
            if value:
                values[role] = value
                verified.add(role)
    return AccountFacts(
        values={role: value for role, value in values.items() if value}, verified=frozenset(verified)
    )


def eform_locked(definition: list[dict[str, Any]] | None, facts: AccountFacts) -> dict[str, str]:
    """The e-form fields the national identity fills, by field name, with their value (shown read-only)."""
    locked = {}
    for spec in definition or []:
        role = eform_field_prefill(spec)
        if role in facts.verified:
            locked[spec["name"]] = facts.values[role]
    return locked


def eform_prefilled(
    definition: list[dict[str, Any]] | None, data: dict[str, Any] | None, facts: AccountFacts
) -> dict[str, Any]:
    """``data`` with the account's values in the fields never filled yet (absent keys: a field the applicant
    emptied on purpose stays empty), and the verified fields set to the identity's values whatever was posted."""
    result = dict(data or {})
    for spec in definition or []:
        role = eform_field_prefill(spec)
        if role is None or role not in facts.values:
            continue
        if role in facts.verified or spec["name"] not in result:
            result[spec["name"]] = facts.values[role]
    return result


def eform_enforced(
    definition: list[dict[str, Any]] | None, data: dict[str, Any] | None, facts: AccountFacts
) -> dict[str, Any]:
    """``data`` with only the verified fields overwritten (what the server keeps from a post)."""
    return {**(data or {}), **eform_locked(definition, facts)}
