from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "dvctt.portal"
    label = "portal"
    verbose_name = _("Cổng dịch vụ công")
    default_auto_field = "django.db.models.BigAutoField"
