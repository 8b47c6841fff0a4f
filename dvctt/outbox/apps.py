from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "dvctt.outbox"
    label = "outbox"
    verbose_name = _("Hàng đợi gửi đi")
    default_auto_field = "django.db.models.BigAutoField"
