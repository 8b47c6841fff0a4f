from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SteeringConfig(AppConfig):
    name = "dvctt.steering"
    label = "steering"
    verbose_name = _("Chỉ đạo, điều hành kế hoạch")
    default_auto_field = "django.db.models.BigAutoField"
