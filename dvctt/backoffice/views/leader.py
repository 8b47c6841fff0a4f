"""The unit leader's view: late and nearly late dossiers by officer and procedure, and reassignment."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.accounts.models import Role, User
from dvctt.accounts.scopes import unit_ids_in_scope, user_can_see_personal_ids
from dvctt.backoffice.views.access import breadcrumbs, official_required
from dvctt.common.masking import mask_id
from dvctt.dossiers import selectors_inbox as inbox
from dvctt.dossiers.selectors import apology_drafts_for_leader

LEADER_ROLES = frozenset({Role.UNIT_LEADER, Role.MONITOR, Role.ADMIN, Role.PPC_LEADER})


@official_required
def leader_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not (user.is_superuser or user.role in LEADER_ROLES):
        raise PermissionDenied(_("Trang này dành cho lãnh đạo đơn vị."))
    now = timezone.now()
    soon = inbox.due_soon_limit(now=now)
    by_officer, by_procedure = inbox.leader_watch(user=user, now=now, soon=soon)
    dossiers = list(inbox.leader_watch_rows(user=user, now=now, soon=soon))
    # Reassignment is a forward to another officer of the dossier's unit (the service checks the unit).
    officers = list(
        inbox.unit_officers(unit_ids=unit_ids_in_scope(user), roles=(Role.SPECIALIST, Role.UNIT_LEADER))
    )
    rows = [
        {
            "dossier": d,
            "due_state": inbox.due_state(d, now=now, soon=soon),
            "id_number": d.applicant_id_number
            if user_can_see_personal_ids(user, d.unit_id)
            else mask_id(d.applicant_id_number),
            "officers": [o for o in officers if o.unit_id == d.unit_id and o.pk != d.assignee_id],
        }
        for d in dossiers
    ]
    return render(
        request,
        "backoffice/leader.html",
        {
            "by_officer": by_officer,
            "by_procedure": by_procedure,
            "rows": rows,
            "drafts": list(apology_drafts_for_leader(user=user)),
            "breadcrumbs": breadcrumbs((_("Theo dõi hồ sơ sắp đến hạn, quá hạn"), None)),
        },
    )
