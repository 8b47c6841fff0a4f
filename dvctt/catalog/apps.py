from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "dvctt.catalog"
    label = "catalog"
    verbose_name = _("Thủ tục hành chính")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dvctt.catalog import receivers  # noqa: F401 (connects the catalogue's signal receivers)
