from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalPortalConfig(AppConfig):
    name = "dvctt.integrations.national_portal"
    label = "national_portal"
    verbose_name = _("Kết nối Cổng Dịch vụ công quốc gia")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dvctt.integrations.national_portal.adapter import NationalPortalAdapter
        from dvctt.outbox.registry import adapter_register

        adapter_register(NationalPortalAdapter())
        # the derived "integrated on DVCQG" flag: the catalogue calls back through hooks this module registers
        from dvctt.integrations.national_portal import integration  # noqa: F401
