"""Official slips (PDF) for one dossier and the tracking register (XLSX, PDF) for a unit (docs/slips.md)."""

from dvctt.dossiers.slips.forms import (
    DEFAULT_FORM_SETS,
    DOSSIER_SLIP_KINDS,
    FORM_SETS,
    FORMS_2018,
    FORMS_2025,
    SWITCH_DAY,
    Form,
    FormSet,
    SlipKind,
    default_form_set_for,
    dossier_form_day,
    form_set_for,
)
from dvctt.dossiers.slips.render import slip_html, slip_render

__all__ = [
    "DEFAULT_FORM_SETS",
    "DOSSIER_SLIP_KINDS",
    "FORMS_2018",
    "FORMS_2025",
    "FORM_SETS",
    "SWITCH_DAY",
    "Form",
    "FormSet",
    "SlipKind",
    "default_form_set_for",
    "dossier_form_day",
    "form_set_for",
    "slip_html",
    "slip_render",
]
