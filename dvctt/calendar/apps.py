from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    name = "dvctt.calendar"
    label = "workcalendar"
    verbose_name = _("Lịch làm việc")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dvctt.calendar.handlers import calendar_seed_after_migrate

        post_migrate.connect(calendar_seed_after_migrate, sender=self, dispatch_uid="workcalendar-seed-years")
