from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dvctt.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dvctt.dossiers import receivers  # noqa: F401  (connects the signal receivers)
