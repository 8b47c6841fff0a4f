"""Keep the dashboards' usual periods computed, so that page views find their figures in the cache."""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from dvctt.plans.dashboards.selectors import dashboards_warm, data_version

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Tính sẵn số liệu của các kỳ thường xem (năm, quý, tháng, nửa năm; hai cách tính đơn vị) vào bộ nhớ đệm. "
        "Với --loop N: lặp lại mỗi N giây khi dữ liệu đã thay đổi (chạy như một tiến trình nền)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, default=0, help="seconds between passes; 0 = one pass")

    def handle(self, *args, **options):
        every = options["loop"]
        if every < 0:
            raise CommandError("--loop phải lớn hơn hoặc bằng 0")
        last_version = None
        while True:
            version = data_version()
            if version != last_version:
                started = time.perf_counter()
                count = dashboards_warm(today=timezone.localdate(), version=version)
                elapsed = time.perf_counter() - started
                last_version = version
                message = (
                    f"{count} kỳ đã tính sẵn trong {elapsed:.1f} s (phiên bản dữ liệu {version.figures})"
                )
                if every:
                    logger.info(message)
                else:
                    self.stdout.write(message)
            if not every:
                return
            time.sleep(every)
            close_old_connections()  # a long-running process: drop a connection the server has closed
