"""Online application: a draft on the server, filled step by step, then submitted as a dossier.

Steps: details (applicant + e-form + receiving unit) → files (one upload per file, retryable) → review →
submit → confirmation. Each step works without JavaScript; ``js/upload.js`` adds progress and retry.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from dvctt.accounts.models import NationalAccountType
from dvctt.accounts.national import national_identity_of
from dvctt.common.errors import DomainError
from dvctt.dossiers.files import ALLOWED_TYPES, max_upload_bytes
from dvctt.dossiers.selectors_papers import papers_of
from dvctt.guidance import apply as guidance_apply
from dvctt.portal import services
from dvctt.portal.eform_fields import eform_data_from_post, eform_fields
from dvctt.portal.models import ApplicationDraft
from dvctt.portal.prefill import account_facts, eform_locked, eform_prefilled
from dvctt.portal.selectors import draft_get_for_user, draft_version
from dvctt.portal.views.errors import raise_http

#: How many stored papers each slot's list offers (newest first, one per content); the slot's picker page
#: (papers.draft_paper_pick) searches and pages through all of them.
PAPERS_OFFERED = 20

STEPS = (
    ("details", gettext_lazy("Thông tin")),
    ("files", gettext_lazy("Giấy tờ")),
    ("review", gettext_lazy("Xem lại và nộp")),
)


def _steps(current: str) -> list[dict[str, Any]]:
    names = [name for name, _label in STEPS]
    return [
        {
            "name": name,
            "label": label,
            "current": name == current,
            "done": names.index(name) < names.index(current),
        }
        for name, label in STEPS
    ]


def _draft(request: HttpRequest, draft_id: int, *, open_only: bool = True) -> ApplicationDraft:
    try:
        return draft_get_for_user(user=request.user, draft_id=draft_id, open_only=open_only)  # type: ignore[arg-type]
    except DomainError as exc:
        raise_http(exc)
        raise


def _version(draft: ApplicationDraft):
    try:
        return draft_version(procedure_code=draft.procedure_code)
    except DomainError as exc:
        raise_http(exc)
        raise


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
def apply_start(request: HttpRequest, code: str) -> HttpResponse:
    """Open (or resume) the applicant's draft for the procedure. Idempotent, so a GET is safe."""
    try:
        draft = services.draft_open(actor=request.user, procedure_code=code)  # type: ignore[arg-type]
    except DomainError as exc:
        raise_http(exc)
        return render(
            request, "portal/apply_refused.html", {"message": exc.message, "code": code}, status=400
        )
    return redirect("portal:draft_details", draft_id=draft.pk)


def _verified_applicant(user: Any) -> dict[str, str]:
    """The applicant fields the national identity vouches for (name, number, address): shown read-only and
    never taken from the form. Empty for an account not linked to a national identity."""
    identity = national_identity_of(user)
    if identity is None:
        return {}
    business = identity.account_type == NationalAccountType.BUSINESS and identity.organisation_name
    values = {
        "full_name": identity.organisation_name if business else identity.full_name,
        "national_id": identity.id_number,
        "address": identity.address,
    }
    return {name: value for name, value in values.items() if value}


def _details_context(
    draft: ApplicationDraft, errors: dict[str, list[str]], user: Any = None
) -> dict[str, Any]:
    version = _version(draft)
    verified = _verified_applicant(user)
    facts = account_facts(user)
    locked = eform_locked(version.eform, facts)
    return {
        "draft": draft,
        "version": version,
        "units": list(version.units.order_by("name")),
        "applicant": {**(draft.applicant_data or {}), **verified},
        "verified": verified,
        "identity": national_identity_of(user) if verified else None,
        "fields": eform_fields(
            version.eform or [],
            eform_prefilled(version.eform, draft.form_data, facts),
            errors,
            verified=set(locked),
        ),
        "verified_form": bool(locked),
        "errors": errors,
        "steps": _steps("details"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def draft_details(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        version = _version(draft)
        draft = services.draft_save_details(
            actor=request.user,  # type: ignore[arg-type]
            draft_id=draft.pk,
            applicant_data={
                **{name: request.POST.get(name, "") for name in services.APPLICANT_FIELDS},
                **_verified_applicant(request.user),
            },
            form_data=eform_data_from_post(version.eform or [], request.POST),
            unit_code=request.POST.get("unit", ""),
        )
        if request.POST.get("action") == "save":
            messages.success(
                request, _("Đã lưu hồ sơ nháp. Bạn có thể tiếp tục sau tại mục “Hồ sơ của tôi”.")
            )
            return redirect("portal:draft_details", draft_id=draft.pk)
        errors = services.draft_details_errors(draft=draft)
        if not errors:
            return redirect("portal:draft_files", draft_id=draft.pk)
    return render(
        request,
        "portal/draft_details.html",
        _details_context(draft, errors, request.user),
        status=400 if errors else 200,
    )


def _files_context(draft: ApplicationDraft, errors: dict[str, list[str]], user: Any) -> dict[str, Any]:
    version = _version(draft)
    files = list(draft.files.select_related("source__dossier"))
    offered = list(papers_of(user)[: PAPERS_OFFERED + 1])
    papers = offered[:PAPERS_OFFERED]
    components = [
        {
            "component": c,
            "key": f"component-{c.position}",
            "files": [f for f in files if f.component_position == c.position],
            "errors": errors.get(f"component-{c.position}", []),
            # The applicant's papers of the same name first (a birth certificate for a birth certificate).
            "same_papers": [p for p in papers if p.name.casefold() == c.name.casefold()],
            "other_papers": [p for p in papers if p.name.casefold() != c.name.casefold()],
        }
        for c in version.components.all()
    ]
    return {
        "papers": papers,
        "more_papers": len(offered) > PAPERS_OFFERED,
        "draft": draft,
        "version": version,
        "components": components,
        "errors": errors,
        "steps": _steps("files"),
        "accept": ",".join(sorted(ALLOWED_TYPES)),
        "max_bytes": max_upload_bytes(),
        "max_mb": max_upload_bytes() // (1024 * 1024),
    }


@login_required
@require_http_methods(["GET", "POST"])
def draft_files(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Without JS: one multipart form, each file kept or refused on its own. With JS: one file per request."""
    draft = _draft(request, draft_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if _wants_json(request):
            return _upload_one_json(request, draft)
        version = _version(draft)
        for component in version.components.all():
            _add_chosen_paper(request, draft, component.position, errors)
            for upload in request.FILES.getlist(f"component-{component.position}"):
                try:
                    services.draft_add_file(
                        actor=request.user,  # type: ignore[arg-type]
                        draft_id=draft.pk,
                        component_position=component.position,
                        upload=upload,
                    )
                except DomainError as exc:
                    errors.setdefault(f"component-{component.position}", []).append(exc.message)
        if not errors and request.POST.get("action") == "next":
            errors = services.draft_files_missing(draft=draft)
            if not errors:
                return redirect("portal:draft_review", draft_id=draft.pk)
        if not errors:
            messages.success(request, _("Đã lưu các tệp đính kèm."))
            return redirect("portal:draft_files", draft_id=draft.pk)
    return render(
        request,
        "portal/draft_files.html",
        _files_context(draft, errors, request.user),
        status=400 if errors else 200,
    )


def _add_chosen_paper(
    request: HttpRequest, draft: ApplicationDraft, position: int, errors: dict[str, list[str]]
) -> None:
    """The stored paper chosen for the component (``paper-<position>``), if any; a refusal goes beside it."""
    choice = request.POST.get(f"paper-{position}", "").strip()
    if not choice:
        return
    key = f"component-{position}"
    if not choice.isdigit():
        errors.setdefault(key, []).append(_("Giấy tờ đã chọn không hợp lệ."))
        return
    try:
        services.draft_add_paper(
            actor=request.user,  # type: ignore[arg-type]
            draft_id=draft.pk,
            component_position=position,
            paper_id=int(choice),
        )
    except DomainError as exc:
        errors.setdefault(key, []).append(exc.message)


def _upload_one_json(request: HttpRequest, draft: ApplicationDraft) -> JsonResponse:
    upload = request.FILES.get("file")
    try:
        position = int(request.POST.get("component", ""))
    except ValueError:
        position = -1
    if upload is None:
        return JsonResponse({"ok": False, "error": _("Chưa chọn tệp.")}, status=400)
    try:
        stored = services.draft_add_file(
            actor=request.user,  # type: ignore[arg-type]
            draft_id=draft.pk,
            component_position=position,
            upload=upload,
        )
    except DomainError as exc:
        return JsonResponse({"ok": False, "error": exc.message}, status=400)
    return JsonResponse(
        {
            "ok": True,
            "file": {"id": stored.pk, "name": stored.name, "size": stored.size},
            "delete_url": reverse("portal:draft_file_delete", args=[draft.pk, stored.pk]),
        }
    )


@login_required
@require_POST
def draft_file_delete(request: HttpRequest, draft_id: int, file_id: int) -> HttpResponse:
    try:
        services.draft_remove_file(actor=request.user, draft_id=draft_id, file_id=file_id)  # type: ignore[arg-type]
    except DomainError as exc:
        raise_http(exc)
        messages.error(request, exc.message)
    if _wants_json(request):
        return JsonResponse({"ok": True})
    return redirect("portal:draft_files", draft_id=draft_id)


@login_required
@require_http_methods(["GET", "POST"])
def draft_review(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id, open_only=False)
    if draft.dossier_code:
        return redirect("portal:dossier_submitted", code=draft.dossier_code)
    error: DomainError | None = None
    guide = guidance_apply.guide_choice(request)  # the optional "Cán bộ hướng dẫn" (docs/guidance.md)
    if request.method == "POST":
        try:
            with transaction.atomic():
                dossier = services.draft_submit(actor=request.user, draft_id=draft.pk)  # type: ignore[arg-type]
                guidance_apply.guide_record(guide, dossier=dossier)
        except DomainError as exc:
            raise_http(exc)
            error = exc
        else:
            return redirect("portal:dossier_submitted", code=dossier.code)
    version = _version(draft)
    problems = {**services.draft_details_errors(draft=draft), **services.draft_files_missing(draft=draft)}
    unit = version.units.filter(code=draft.unit_code).first()
    return render(
        request,
        "portal/draft_review.html",
        {
            "draft": draft,
            "version": version,
            "unit": unit,
            "fields": eform_fields(version.eform or [], draft.form_data or {}),
            "files": list(draft.files.all()),
            "fees": list(version.fees.all()),
            "fee_total": sum(f.amount for f in version.fees.all()),
            "problems": problems,
            "error": error,
            "steps": _steps("review"),
            "guide": guide,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def draft_delete(request: HttpRequest, draft_id: int) -> HttpResponse:
    with transaction.atomic():
        try:
            services.draft_delete(actor=request.user, draft_id=draft_id)  # type: ignore[arg-type]
        except DomainError as exc:
            raise_http(exc)
    messages.success(request, _("Đã xóa hồ sơ nháp."))
    return redirect("portal:my_dossiers")
