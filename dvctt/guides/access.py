"""Who may do what with guides and FAQ entries (docs/guides.md, "Roles").

=====================  =====================================================================================
role                   may
=====================  =====================================================================================
monitor, admin         write and edit drafts, upload pictures, submit for review, archive, reopen; see the
(the department)       back office (/theo-doi/huong-dan/), the history and the feedback
reviewer               publish or return (with a reason) a text under review: a monitor or admin who is not
                       its author, or an administrator (role admin or superuser), who may publish their own
everyone               read what is published on /huong-dan/, vote "was this helpful?" once per page
=====================  =====================================================================================
"""

from __future__ import annotations

from typing import Any

from dvctt.accounts.models import Role

WRITER_ROLES = frozenset({Role.MONITOR, Role.ADMIN})


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_write(user: Any) -> bool:
    return _active(user) and bool(user.is_superuser or user.role in WRITER_ROLES)


def is_administrator(user: Any) -> bool:
    return _active(user) and bool(user.is_superuser or user.role == Role.ADMIN)


def can_review(user: Any, item: Any) -> bool:
    """Publish or return ``item``: a writer other than its author, or an administrator."""
    return can_write(user) and (item.author_id != user.pk or is_administrator(user))


def may_move(user: Any, item: Any, who: str) -> bool:
    if who == "reviewer":
        return can_review(user, item)
    if who == "author":
        return can_write(user) and (item.author_id == user.pk or is_administrator(user))
    return can_write(user)
