from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "dvctt.common"
    label = "common"
    verbose_name = _("Chung")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dvctt.common import checks  # noqa: F401 (registers the configuration checks)
