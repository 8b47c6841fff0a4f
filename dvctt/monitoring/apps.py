from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "dvctt.monitoring"
    label = "monitoring"
    verbose_name = _("Theo dõi, đánh giá")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dvctt.monitoring import receivers  # noqa: F401  (connects the signal receivers)
