"""Pull the national catalogue and record its differences for review: docs/national-portal.md, "Catalogue pull"."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dvctt.integrations.national_portal.catalogue import CatalogueUnavailable
from dvctt.integrations.national_portal.catalogue_review import catalogue_pull
from dvctt.integrations.national_portal.integration import integration_refresh_derived


class Command(BaseCommand):
    help = "Lấy danh mục TTHC từ Cổng DVCQG (LayDanhSachTTHC, LayThuTuc) và ghi các khác biệt để xem xét."

    def handle(self, *args, **options):
        try:
            outcome = catalogue_pull(by="national_catalogue_pull")
        except CatalogueUnavailable as exc:
            raise CommandError(exc.message, returncode=1) from exc
        integration_refresh_derived()
        self.stdout.write(
            _(
                "Đã lấy %(listed)s thủ tục từ Cổng DVCQG: %(created)s khác biệt mới, %(updated)s cập nhật, "
                "%(resolved)s không còn khác biệt; %(pending)s khác biệt chờ xem xét."
            )
            % {
                "listed": outcome.listed,
                "created": outcome.created,
                "updated": outcome.updated,
                "resolved": outcome.resolved,
                "pending": outcome.pending,
            }
        )
