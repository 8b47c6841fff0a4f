"""The periodic watch over open dossiers (run every few minutes: `dvctt dossier_watch`, or its task).

* flags received dossiers whose appointment falls within one working day, and reminds the unit to act — or to
  issue an apology with a new appointment while it still may (only before the due time);
* flags dossiers past their appointment;
* cancels dossiers whose supplement deadline expired unanswered;
* retries failed notifications.

Every step is idempotent: a dossier is flagged once, an expired supplement is cancelled once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.common.errors import DomainError
from dvctt.common.public_url import public_url
from dvctt.common.tasks import task_enqueue
from dvctt.dossiers.models import Dossier, Notification, SupplementRequest
from dvctt.dossiers.states import RUNNING_STATUSES, Status

logger = logging.getLogger(__name__)


@dataclass
class WatchReport:
    due_soon: int = 0
    overdue: int = 0
    expired_supplements: int = 0
    notifications_retried: int = 0

    def __str__(self) -> str:
        return (
            f"sắp đến hạn: {self.due_soon}, quá hạn: {self.overdue}, "
            f"hết hạn bổ sung: {self.expired_supplements}, gửi lại thông báo: {self.notifications_retried}"
        )


def _remind_unit(dossier: Dossier, text: str) -> None:
    recipient = dossier.unit.email
    if not recipient:
        return
    # The officers open the dossier from the mail: the link is on the public address, like every other.
    body = f"{text}\n\n{public_url(reverse('backoffice:dossier', args=[dossier.code]))}"
    try:
        send_mail(f"[{dossier.code}] {text}", body, settings.DEFAULT_FROM_EMAIL, [recipient])
    except Exception:  # a reminder that fails is logged; the flag is still set so the list shows it
        logger.exception("reminder for %s failed", dossier.code)


def dossier_watch(*, now: datetime | None = None) -> WatchReport:
    from dvctt.calendar import deadlines
    from dvctt.calendar.selectors import working_calendar

    now = now or timezone.now()
    report = WatchReport()
    calendar = working_calendar()
    one_day_later = deadlines.add_working_seconds(now, 8 * 3600, calendar)
    running = Dossier.objects.filter(
        status__in=list(RUNNING_STATUSES), effective_due_at__isnull=False, is_test=False
    )

    soon = running.filter(
        effective_due_at__gt=now, effective_due_at__lte=one_day_later, due_soon_flagged_at__isnull=True
    )
    for dossier in soon.select_related("unit"):
        _remind_unit(
            dossier,
            _(
                "Hồ sơ %(code)s đến hạn trả kết quả lúc %(due)s. Nếu không kịp, đơn vị cần lập phiếu xin lỗi và "
                "hẹn lại ngày trả trước thời hạn."
            )
            % {
                "code": dossier.code,
                "due": timezone.localtime(dossier.effective_due_at).strftime("%H:%M %d/%m/%Y"),
            },
        )
        report.due_soon += 1
    soon.update(due_soon_flagged_at=now)

    late = running.filter(effective_due_at__lte=now, overdue_flagged_at__isnull=True)
    report.overdue = late.update(overdue_flagged_at=now)

    expired = SupplementRequest.objects.filter(
        answered_at__isnull=True,
        expired_at__isnull=True,
        deadline__lte=now,
        dossier__status=Status.SUPPLEMENT_REQUESTED,
    ).values_list("dossier_id", flat=True)
    from dvctt.dossiers.services import dossier_expire_supplement

    for dossier_id in list(expired):
        try:
            dossier_expire_supplement(dossier_id=dossier_id, actor=None, at=now)
            report.expired_supplements += 1
        except DomainError:  # moved meanwhile (answered at the last second): nothing to do
            continue

    from dvctt.dossiers.notifications.tasks import send_notification

    failed = Notification.objects.filter(Q(state=Notification.State.FAILED), attempts__lt=5).values_list(
        "pk", flat=True
    )
    for notification_id in list(failed):
        task_enqueue(send_notification, notification_id)
        report.notifications_retried += 1
    return report
