"""Writes on an applicant's stored papers ("Giấy tờ của tôi"): hide or show one again, and attach one to a new
dossier without uploading it again.

Attaching shares the bytes: the new dossier's ``DossierFile`` gets the original's storage name and checksum and
points to the original (``reused_from``). Nothing copies or rewrites the original; the platform never deletes a
dossier's file, so a shared name is safe (a draft that holds a chosen paper holds no bytes of its own).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from dvctt.accounts.models import User
from dvctt.common.errors import DomainError
from dvctt.dossiers.models import Dossier, DossierFile, HiddenPaper
from dvctt.dossiers.selectors_papers import paper_copies, paper_get_for_user


@dataclass(frozen=True)
class ComponentReuse:
    """A component given by one of the applicant's stored papers instead of an upload."""

    name: str
    paper_id: int


def paper_hide(*, actor: User, paper_id: int) -> None:
    """Hide one of the actor's papers from their list and the picker (idempotent). The dossier keeps its file.

    The list shows one entry per content, so every copy of the same bytes is hidden with it: otherwise an older
    copy would take the hidden one's place.
    """
    paper = paper_get_for_user(user=actor, paper_id=paper_id, include_hidden=True)
    copies = paper_copies(user=actor, paper=paper).values_list("pk", flat=True)
    HiddenPaper.objects.bulk_create(
        [HiddenPaper(user=actor, file_id=pk) for pk in copies], ignore_conflicts=True
    )


def paper_unhide(*, actor: User, paper_id: int) -> None:
    """Show a hidden paper again, with every copy of the same bytes (idempotent)."""
    paper = paper_get_for_user(user=actor, paper_id=paper_id, include_hidden=True)
    HiddenPaper.objects.filter(user=actor, file__in=paper_copies(user=actor, paper=paper)).delete()


def papers_for_reuse(
    *, actor: User, reuses: list[ComponentReuse]
) -> list[tuple[ComponentReuse, DossierFile]]:
    """Check, before anything is written, that every reused paper is the actor's own and still stored.

    Hidden papers may still be attached (the applicant chose them before hiding them); another person's paper,
    a reused copy or an unknown id raises NotFoundError, a paper whose bytes are gone a DomainError.
    """
    checked = []
    for reuse in reuses:
        paper = paper_get_for_user(user=actor, paper_id=reuse.paper_id, include_hidden=True)
        if not paper.file.storage.exists(paper.file.name):
            raise DomainError(
                _("Giấy tờ “%(name)s” không còn được lưu trên hệ thống; hãy tải lên lại.")
                % {"name": paper.name},
                code="paper_missing",
                fields={"paper": [_("Tệp không còn được lưu.")]},
            )
        checked.append((reuse, paper))
    return checked


def paper_attach(*, dossier: Dossier, paper: DossierFile, name: str) -> DossierFile:
    """Attach ``paper`` to ``dossier`` as the component ``name``: a new row over the same stored bytes.

    Precondition: ``paper`` came from :func:`papers_for_reuse` for the dossier's applicant; called inside the
    submission's transaction.
    """
    original = paper.reused_from or paper
    attached = DossierFile(
        dossier=dossier,
        kind=DossierFile.Kind.COMPONENT,
        name=name,
        content_type=original.content_type,
        size=original.size,
        sha256=original.sha256,
        digitised=True,
        electronic=True,
        reused_from=original,
        extra={"reused_from_dossier": original.dossier.code},
    )
    attached.file.name = original.file.name
    attached.save()
    return attached
