from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "dvctt.integrations.identity"
    label = "identity"
    verbose_name = _("Đăng nhập bằng tài khoản định danh quốc gia")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from dvctt.dossiers.models import Dossier
        from dvctt.integrations.identity.dossiers import dossier_mark_national_account

        pre_save.connect(dossier_mark_national_account, sender=Dossier, dispatch_uid="identity.dossier_mark")
