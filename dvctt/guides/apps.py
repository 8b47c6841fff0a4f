from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "dvctt.guides"
    label = "guides"
    verbose_name = _("Hướng dẫn, hỏi đáp")
    default_auto_field = "django.db.models.BigAutoField"
