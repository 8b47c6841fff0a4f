"""Any change to the catalogue renews the stamp of the submissions' copies of it (:mod:`dvctt.catalog.terms`)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from dvctt.agencies.models import Unit
from dvctt.catalog.models import FeeLine, Procedure, ProcedureVersion
from dvctt.catalog.terms import catalogue_terms_stamp_renew


@receiver(post_save, sender=Procedure, dispatch_uid="catalog.terms.procedure_saved")
@receiver(post_delete, sender=Procedure, dispatch_uid="catalog.terms.procedure_deleted")
@receiver(post_save, sender=ProcedureVersion, dispatch_uid="catalog.terms.version_saved")
@receiver(post_delete, sender=ProcedureVersion, dispatch_uid="catalog.terms.version_deleted")
@receiver(post_save, sender=FeeLine, dispatch_uid="catalog.terms.fee_saved")
@receiver(post_delete, sender=FeeLine, dispatch_uid="catalog.terms.fee_deleted")
@receiver(post_save, sender=Unit, dispatch_uid="catalog.terms.unit_saved")
@receiver(post_delete, sender=Unit, dispatch_uid="catalog.terms.unit_deleted")
@receiver(m2m_changed, sender=ProcedureVersion.units.through, dispatch_uid="catalog.terms.units_changed")
def renew_terms_on_change(sender: Any, **kwargs: Any) -> None:
    catalogue_terms_stamp_renew()
