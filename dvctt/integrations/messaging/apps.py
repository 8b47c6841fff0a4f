from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "dvctt.integrations.messaging"
    label = "messaging"
    verbose_name = _("Tin nhắn SMS và Zalo")
    default_auto_field = "django.db.models.BigAutoField"
