from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScheduleConfig(AppConfig):
    name = "dvctt.schedule"
    label = "schedule"
    verbose_name = _("Lịch chạy định kỳ")
    default_auto_field = "django.db.models.BigAutoField"
