"""Counter intake (tiếp nhận tại quầy): walk-in and postal dossiers, and online filing on the applicant's behalf.

The officer's unit's procedures are offered, and every procedure received regardless of administrative boundaries
(Decree 118/2025): for those the officer chooses the competent unit, by name (``tim_don_vi`` narrows the list).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.accounts.models import User
from dvctt.backoffice.forms import IntakeForm
from dvctt.backoffice.views.access import breadcrumbs, official_required
from dvctt.catalog.models import ProcedureVersion
from dvctt.catalog.selectors import catalogue_on, procedure_version_at
from dvctt.common.errors import DomainError
from dvctt.common.text import fold
from dvctt.dossiers import services
from dvctt.dossiers.states import Channel

#: A posted intake form's token is claimed once (atomic ``cache.add``): a double click records one dossier.
TOKEN_TTL = 3600


def _token_key(token: str) -> str:
    return f"dvctt:backoffice:intake:{token}"


def _unit_procedures(user: User) -> list[Any]:
    """The versions in force that the officer's unit performs (``own``) or may receive for another unit."""
    if user.unit_id is None:
        return []
    own = ProcedureVersion.units.through.objects.filter(
        procedureversion_id=OuterRef("pk"), unit_id=user.unit_id
    )
    return list(
        catalogue_on(on=timezone.localdate())
        .annotate(own=Exists(own))
        .filter(Q(own=True) | Q(any_commune_reception=True))
        .select_related("procedure")
        .order_by("procedure__code")
        .only("procedure__code", "name", "any_commune_reception")
    )


def _competent_units(version: Any, query: str = "") -> list[tuple[str, str]]:
    """(code, name) of the units in force that perform ``version``, by name; ``query`` keeps those whose name or
    code contains it (case and diacritics ignored)."""
    today = timezone.localdate()
    units = (
        version.units.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today), valid_from__lte=today)
        .order_by("name", "code")
        .only("code", "name")
    )
    wanted = fold(query)
    return [
        (unit.code, unit.name)
        for unit in units
        if not wanted or wanted in fold(unit.name) or wanted in unit.code.lower()
    ]


@official_required
def intake_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    crumbs = breadcrumbs((_("Tiếp nhận hồ sơ"), None))
    if user.unit_id is None:
        return render(
            request,
            "backoffice/intake.html",
            {"no_unit": True, "breadcrumbs": crumbs},
            status=403,
        )
    code = (request.POST.get("thu_tuc") or request.GET.get("thu_tuc") or "").strip()
    if not code:
        return render(
            request,
            "backoffice/intake.html",
            {"procedures": _unit_procedures(user), "breadcrumbs": crumbs},
        )
    version = procedure_version_at(code=code, on=timezone.localdate())
    own = version is not None and version.units.filter(pk=user.unit_id).exists()
    if version is None or not (own or version.any_commune_reception):
        raise Http404(
            _("Đơn vị %(unit)s không thực hiện thủ tục %(code)s.") % {"unit": user.unit, "code": code}
        )
    components = list(version.components.all())
    context: dict[str, Any] = {"version": version, "breadcrumbs": crumbs}
    units: list[tuple[str, str]] | None = None
    if version.any_commune_reception:
        query = (request.GET.get("tim_don_vi") or "").strip()[:100] if request.method != "POST" else ""
        units = _competent_units(version, query)
        if query and not units:
            context["unit_query_empty"] = True
            units = _competent_units(version)
        context.update(unit_search=True, unit_query=query)
    if request.method != "POST":
        initial = {"token": uuid.uuid4().hex, "thu_tuc": code, "kenh": "1"}
        if units is not None:
            codes = [unit_code for unit_code, _name in units]
            own_code = user.unit.code  # type: ignore[union-attr]
            if own_code in codes:
                initial["don_vi"] = own_code
            elif len(codes) == 1:
                initial["don_vi"] = codes[0]
        context["form"] = IntakeForm(
            initial=initial, eform=version.eform or [], components=components, units=units
        )
        return render(request, "backoffice/intake.html", context)

    form = IntakeForm(
        request.POST, request.FILES, eform=version.eform or [], components=components, units=units
    )
    context["form"] = form
    if not form.is_valid():
        return render(request, "backoffice/intake.html", context, status=400)
    data = form.cleaned_data
    key = _token_key(data["token"])
    if not cache.add(key, "", TOKEN_TTL):
        first = cache.get(key)
        if first:
            # The same form posted again (double click, reload): show the dossier the first post recorded.
            return redirect(reverse("backoffice:dossier", args=[first]) + "?xong=intake")
        context["error"] = _("Hồ sơ này đang được ghi nhận, vui lòng chờ và mở lại hộp hồ sơ.")
        return render(request, "backoffice/intake.html", context, status=409)
    channel = int(data["kenh"])
    submission = services.Submission(
        procedure_code=code,
        unit_code=data.get("don_vi") or user.unit.code,  # type: ignore[union-attr]
        channel=channel,
        applicant=services.Applicant(
            name=data["ho_ten"],
            id_number=data.get("so_dinh_danh") or "",
            applicant_type=data["loai_doi_tuong"],
            phone=data.get("dien_thoai") or "",
            email=data.get("email") or "",
            address=data.get("dia_chi") or "",
        ),
        form_data=form.eform_data(),
        components=[
            services.ComponentUpload(name, data[field])
            for field, name, _req in form.component_fields
            if data[field]
        ],
    )
    try:
        if channel == Channel.ONLINE:
            dossier = services.dossier_submit(actor=user, submission=submission)
        else:
            dossier = services.dossier_intake(actor=user, submission=submission)
    except DomainError as error:
        cache.delete(key)
        for field, messages in error.fields.items():
            name = f"tk_{field}"
            target = name if name in form.fields else field if field in form.fields else None
            if target and messages:
                form.add_error(target, messages)
        context["error"] = error.message
        return render(request, "backoffice/intake.html", context, status=error.http_status)
    cache.set(key, dossier.code, TOKEN_TTL)
    return redirect(reverse("backoffice:dossier", args=[dossier.code]) + "?xong=intake")
