from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "dvctt.agencies"
    label = "agencies"
    verbose_name = _("Đơn vị")
    default_auto_field = "django.db.models.BigAutoField"
