from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidanceConfig(AppConfig):
    name = "dvctt.guidance"
    label = "guidance"
    verbose_name = _("Cán bộ hướng dẫn người thân")
    default_auto_field = "django.db.models.BigAutoField"
