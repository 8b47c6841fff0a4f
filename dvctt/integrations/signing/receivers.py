"""Where the signing app meets the dossiers: a result file stored is checked (and signed, if the procedure's
policy says so); a result about to be issued passes the policy's rule."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from dvctt.dossiers.models import Dossier, DossierFile
from dvctt.dossiers.services.core import result_issuing


@receiver(post_save, sender=DossierFile, dispatch_uid="signing.result_stored")
def result_stored(
    sender: Any, *, instance: DossierFile, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """A new stored result (an officer's upload, a rendered refusal, an import with its file) gets its verdict in
    the transaction that stores it."""
    from dvctt.integrations.signing.services import result_auto_sign, result_check

    if raw or not created or instance.kind != DossierFile.Kind.RESULT or not instance.file:
        return
    result_check(file=instance)
    result_auto_sign(file=instance)


@receiver(result_issuing, sender=Dossier, dispatch_uid="signing.result_issuing")
def result_issuing_check(sender: Any, *, dossier: Dossier, **kwargs: Any) -> None:
    from dvctt.integrations.signing.services import result_issue_check

    result_issue_check(dossier=dossier)
