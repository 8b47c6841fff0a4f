from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterchangeConfig(AppConfig):
    """The national record format: reading and writing it (no database), and the import and export that bridge
    it to the platform's tables. Low in the house: the format modules import nothing of the platform."""

    name = "dvctt.interchange"
    label = "interchange"
    verbose_name = _("Định dạng trao đổi")
    default_auto_field = "django.db.models.BigAutoField"
