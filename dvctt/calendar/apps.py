from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    name = "dvctt.calendar"
    label = "workcalendar"
    verbose_name = _("Lịch làm việc")
    default_auto_field = "django.db.models.BigAutoField"
