from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "dvctt.integrations.signing"
    label = "signing"
    verbose_name = _("Chữ ký số trên kết quả điện tử")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dvctt.integrations.signing import receivers  # noqa: F401  (connects the signal receivers)
