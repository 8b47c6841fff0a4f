from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaskSpoolConfig(AppConfig):
    name = "dvctt.taskspool"
    label = "taskspool"
    verbose_name = _("Tác vụ chờ đưa vào hàng đợi")
    default_auto_field = "django.db.models.BigAutoField"
