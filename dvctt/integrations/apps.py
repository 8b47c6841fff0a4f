from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "dvctt.integrations"
    label = "integrations"
    verbose_name = _("Kết nối")
    default_auto_field = "django.db.models.BigAutoField"
