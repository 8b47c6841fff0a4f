from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "dvctt.outreach"
    label = "outreach"
    verbose_name = _("Truyền thông, cách làm hay")
    default_auto_field = "django.db.models.BigAutoField"
