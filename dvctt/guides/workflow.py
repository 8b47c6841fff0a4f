"""The publication workflow of guides and FAQ entries: every state and legal move in one table.

::

    draft ──submit──▶ review ──publish──▶ published
      ▲                 │ return (reason), withdraw        │ edit (the live copy stays until the next publish)
      └─────────────────┘◀─────────────────────────────────┘
    draft, review, published ──archive──▶ archived ──reopen──▶ draft

Who may make a move (guides.access): monitors and administrators write, submit, archive and reopen; publishing
and returning need a *reviewer*: a writer other than the author, or an administrator (who may publish their own
text: a province with one monitor still publishes). The author withdraws their own text from review.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Status


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[str]
    target: str
    label: Promise
    #: who: "writer" (monitor, admin), "reviewer" (a writer not the author, or an admin), "author" (or an admin)
    who: str = "writer"
    needs_reason: bool = False


MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        Move("submit", frozenset({Status.DRAFT}), Status.REVIEW, _("Gửi duyệt")),
        Move("withdraw", frozenset({Status.REVIEW}), Status.DRAFT, _("Rút về để sửa"), who="author"),
        Move("publish", frozenset({Status.REVIEW}), Status.PUBLISHED, _("Duyệt và xuất bản"), who="reviewer"),
        Move(
            "return",
            frozenset({Status.REVIEW}),
            Status.DRAFT,
            _("Trả lại để sửa"),
            who="reviewer",
            needs_reason=True,
        ),
        Move(
            "archive",
            frozenset({Status.DRAFT, Status.REVIEW, Status.PUBLISHED}),
            Status.ARCHIVED,
            _("Lưu trữ, gỡ khỏi cổng"),
        ),
        Move("reopen", frozenset({Status.ARCHIVED}), Status.DRAFT, _("Mở lại để sửa")),
    )
}

#: States in which the working copy may be edited; an edit of a published text makes it a draft again.
EDITABLE = frozenset({Status.DRAFT, Status.PUBLISHED})

#: The history's wording for a save of the working copy.
SAVE_LABELS = {"create": _("Tạo bản nháp"), "update": _("Lưu bản nháp")}
