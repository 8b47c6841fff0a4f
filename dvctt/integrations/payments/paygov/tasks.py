"""PayGov background work (django-tasks): the receipt after a payment, the periodic settlement by QUERY."""

from __future__ import annotations

from django_tasks import task


@task()
def paygov_receipt_fetch_task(payment_id: int) -> bool:
    from dvctt.integrations.payments.paygov.client import PayGovUnavailable
    from dvctt.integrations.payments.paygov.services import paygov_receipt_fetch

    try:
        return paygov_receipt_fetch(payment_id=payment_id)
    except PayGovUnavailable:
        return False  # the settlement run (`dvctt payments_settle`) tries again


@task()
def payments_settle_task(older_than_minutes: int | None = None) -> dict[str, int]:
    from dvctt.integrations.payments.paygov.services import paygov_settle_pending

    return dict(paygov_settle_pending(older_than_minutes=older_than_minutes))
