"""Papers that are a result of the dossier: rendered once, stored with it as an electronic result document.

The written refusal to grant (``refusal_decision``) is the result of a dossier refused after processing: it goes
back to the applicant (the ``refuse`` event's notification points to it; the applicant's page lists result files)
and is kept with the dossier, like an approved dossier's result.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile

from dvctt.dossiers.models import Dossier, DossierFile
from dvctt.dossiers.slips.forms import KIND_LABELS, SlipKind
from dvctt.dossiers.slips.render import slip_render

PDF = "application/pdf"

#: The event that issues each stored paper.
DOCUMENT_ACTIONS = {SlipKind.REFUSAL_DECISION: "refuse"}


def dossier_document_store(*, dossier: Dossier, kind: SlipKind) -> DossierFile:
    """Render the paper ``kind`` issued by the dossier's latest event of its action and store it as a result.

    Precondition: called in the transaction of that move, after its event is written (the dossier row locked),
    so that the paper exists exactly when the move does. Idempotent: the paper of the same event is stored once.
    Raises DomainError when the paper does not apply (no such event).
    """
    event = dossier.events.filter(action=DOCUMENT_ACTIONS[kind]).order_by("-seq").first()
    seq = event.seq if event is not None else None
    existing = DossierFile.objects.filter(
        dossier=dossier, kind=DossierFile.Kind.RESULT, extra__slip=kind.value, extra__event_seq=seq
    ).first()
    if existing is not None:
        return existing
    pdf = slip_render(dossier=dossier, kind=kind)
    stored = DossierFile(
        dossier=dossier,
        kind=DossierFile.Kind.RESULT,
        name=str(KIND_LABELS[kind]),
        content_type=PDF,
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        digitised=True,
        electronic=True,
        extra={"slip": kind.value, "event_seq": seq},
    )
    stored.file.save(f"{kind.value.replace('_', '-')}-{dossier.code}.pdf", ContentFile(pdf), save=False)
    stored.save()
    return stored
