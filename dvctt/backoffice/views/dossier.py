"""One dossier: its page, its actions (one form per move of the state machine) and its files."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from dvctt.accounts.models import Role, User
from dvctt.accounts.scopes import user_can_see_personal_ids
from dvctt.backoffice.actions import move_apply, moves_for, proposal_pending, slip_links, slips_available
from dvctt.backoffice.forms import MOVE_FORMS, MoveForm
from dvctt.backoffice.views.access import breadcrumbs, official_required
from dvctt.catalog.eforms import eform_data_display, format_money
from dvctt.common.errors import ConflictError, DomainError, NotFoundError
from dvctt.common.files import stored_file_response
from dvctt.common.masking import mask_id
from dvctt.dossiers import deadlines
from dvctt.dossiers import selectors_inbox as inbox
from dvctt.dossiers.models import Dossier, DossierFile, Extension
from dvctt.dossiers.selectors import dossier_get_for_user
from dvctt.dossiers.states import MOVES, PaymentChannel, Status, event_label


def _dossier(user: User, code: str) -> Dossier:
    try:
        return dossier_get_for_user(user=user, code=code)
    except NotFoundError as error:
        raise Http404(error.message) from None


def _id_number(user: User, dossier: Dossier) -> str:
    if user_can_see_personal_ids(user, dossier.unit_id):
        return dossier.applicant_id_number
    return mask_id(dossier.applicant_id_number)


def _event_note(payload: dict[str, Any]) -> str:
    for key in ("reasons", "reason", "content", "note"):
        if payload.get(key):
            return str(payload[key])
    return ""


def _payment_how(payload: dict[str, Any]) -> str:
    """How a payment was made, in words: at the counter, or online through which gateway."""
    channel = payload.get("channel") or PaymentChannel.NONE
    if channel in PaymentChannel.values and channel != PaymentChannel.NONE:
        how = str(PaymentChannel(channel).label)
    elif payload.get("method") == "gateway":
        how = _("Thanh toán trực tuyến (cổng thanh toán xác nhận)")
    else:
        how = _("Nộp tại bộ phận một cửa")
    if payload.get("reference"):
        how += " — " + _("mã giao dịch/biên lai %(ref)s") % {"ref": payload["reference"]}
    return how


def _fee(dossier: Dossier, events: list[Any]) -> dict[str, Any]:
    """The fee of the dossier: how much, paid or not, when and how (from the ``pay_fees`` event)."""
    paid = next((e for e in reversed(events) if e.action == "pay_fees"), None)
    return {
        "total": format_money(dossier.fee_total),
        "none": not dossier.fee_total,
        "paid": paid is not None or dossier.paid_online != PaymentChannel.NONE,
        "at": paid.at if paid is not None else None,
        "how": _payment_how(paid.payload) if paid is not None else dossier.get_paid_online_display(),
    }


def _detail_context(user: User, dossier: Dossier) -> dict[str, Any]:
    """Everything the dossier page shows, in a fixed number of queries (pinned by a test)."""
    events = list(dossier.events.order_by("seq"))
    files = list(dossier.files.all())
    supplements = list(dossier.supplements.all())
    extensions = list(dossier.extensions.all())
    children = list(dossier.children.select_related("unit").order_by("code"))
    # paused_time reads dossier.supplements.all(): give it the rows already fetched.
    dossier._prefetched_objects_cache = {"supplements": supplements}  # type: ignore[attr-defined]
    now = timezone.now()
    paused = deadlines.paused_time(dossier=dossier, until=now)
    pause = deadlines.pause_running(dossier=dossier, events=events)
    soon = inbox.due_soon_limit(now=now)
    payments = [
        {
            "event": e,
            "label": event_label(e.action, e.payload),
            "amount": format_money(e.payload.get("amount", 0)),
            "how": _payment_how(e.payload) if e.action == "record_payment" else _event_note(e.payload),
        }
        for e in events
        if e.action in ("request_financial_obligation", "record_payment")
    ]
    proposal = proposal_pending(dossier=dossier, events=events)
    return {
        "dossier": dossier,
        "id_number": _id_number(user, dossier),
        "phone": (
            dossier.applicant_phone
            if user_can_see_personal_ids(user, dossier.unit_id)
            else mask_id(dossier.applicant_phone)
        ),
        "form_items": eform_data_display(
            dossier.procedure_version.eform if dossier.procedure_version is not None else [],
            dossier.form_data,
            show_personal=user_can_see_personal_ids(user, dossier.unit_id),
        ),
        "fee": _fee(dossier, events),
        "proposal": (
            {"event": proposal, "label": event_label(proposal.action, proposal.payload)} if proposal else None
        ),
        "events": [
            {
                "event": e,
                "label": event_label(e.action, e.payload),
                "note": _event_note(e.payload),
            }
            for e in events
        ],
        "components": [f for f in files if f.kind == DossierFile.Kind.COMPONENT],
        "supplement_files": [f for f in files if f.kind == DossierFile.Kind.SUPPLEMENT],
        "results": [f for f in files if f.kind == DossierFile.Kind.RESULT],
        "supplements": supplements,
        "extensions": extensions,
        "children": children,
        "payments": payments,
        "paused": paused,
        "paused_hours": round(paused.total_seconds() / 3600, 1),
        "effective_due": dossier.effective_due_at,
        "pause": pause,
        "pause_left_hours": (
            round(pause.left_seconds / 3600, 1) if pause and pause.left_seconds is not None else None
        ),
        "due_state": inbox.due_state(dossier, now=now, soon=soon),
        "moves": moves_for(user=user, dossier=dossier, events=events),
        "slips": slips_available(dossier=dossier, events=events),
        "status_label": Status(dossier.status).label,
    }


@official_required
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    dossier = _dossier(user, code)
    context = _detail_context(user, dossier)
    done = request.GET.get("xong", "")
    if done in MOVES or done == "intake":
        context["done_move"] = MOVES[done].label if done in MOVES else _("Tiếp nhận hồ sơ tại quầy")
        context["done_slips"] = slip_links(dossier=dossier, move=done)
    context["breadcrumbs"] = breadcrumbs((dossier.code, None))
    return render(request, "backoffice/dossier_detail.html", context)


def _form_for(move: str, dossier: Dossier, data: Any = None, files: Any = None) -> MoveForm:
    form_class = MOVE_FORMS[move]
    kwargs: dict[str, Any] = {"dossier": dossier}
    if move == "forward":
        kwargs["officers"] = inbox.unit_officers(
            unit_ids={dossier.unit_id}, roles=(Role.SPECIALIST, Role.UNIT_LEADER)
        )
        kwargs["units"] = inbox.forward_units(exclude_unit_id=dossier.unit_id, on=timezone.localdate())
    if data is None:
        initial: dict[str, Any] = {"expected_version": dossier.version}
        if move == "apologise":
            # The leader issues the open draft: its appointment and reason come prefilled, still editable.
            draft = dossier.extensions.filter(state=Extension.State.DRAFT).first()
            if draft is not None:
                initial.update(new_due_at=timezone.localtime(draft.new_due_at), reason=draft.reason)
        version = dossier.procedure_version
        if move in ("approve", "refuse") and version is not None and version.sign_off_required:
            # The leader signs off the specialist's proposal: its result name or reasons come prefilled.
            proposal = proposal_pending(dossier=dossier)
            if proposal is not None and proposal.payload.get("outcome") == move:
                initial.update(
                    result_name=proposal.payload.get("result_name", ""),
                    reasons=proposal.payload.get("reasons", ""),
                )
        return form_class(initial=initial, **kwargs)
    return form_class(data, files, **kwargs)


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return None


@official_required
def dossier_action(request: HttpRequest, code: str, move: str) -> HttpResponse:
    """GET: the move's form. POST: apply it once; a stale or repeated post is a conflict with the fresh state."""
    user: User = request.user  # type: ignore[assignment]
    if move not in MOVE_FORMS:
        raise Http404(_("Không có thao tác “%(move)s”.") % {"move": move})
    dossier = _dossier(user, code)
    spec = MOVES[move]
    context: dict[str, Any] = {
        "dossier": dossier,
        "move": spec,
        "id_number": _id_number(user, dossier),
        "status_label": Status(dossier.status).label,
        "breadcrumbs": breadcrumbs(
            (dossier.code, reverse("backoffice:dossier", args=[dossier.code])), (spec.label, None)
        ),
        "next": request.POST.get("next") or request.GET.get("next") or "",
    }
    allowed = {m.name for m in moves_for(user=user, dossier=dossier)}
    if request.method != "POST":
        if move not in allowed:
            context["refused"] = _(
                "Không thể “%(move)s” hồ sơ %(code)s lúc này (trạng thái: %(status)s)."
            ) % {
                "move": spec.label,
                "code": dossier.code,
                "status": Status(dossier.status).label,
            }
            return render(request, "backoffice/dossier_action.html", context, status=409)
        context["form"] = _form_for(move, dossier)
        return render(request, "backoffice/dossier_action.html", context)

    form = _form_for(move, dossier, request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        if "expected_version" in form.errors:
            context["conflict"] = _("Biểu mẫu không hợp lệ: thiếu phiên bản hồ sơ. Vui lòng mở lại thao tác.")
        return render(request, "backoffice/dossier_action.html", context, status=400)
    try:
        if move == "mark_uncollected" and form.cleaned_data["expected_version"] != dossier.version:
            raise ConflictError(
                _("Hồ sơ %(code)s đã được người khác cập nhật. Vui lòng xem lại trạng thái mới nhất.")
                % {"code": dossier.code},
                code="stale",
            )
        move_apply(move=move, dossier=dossier, actor=user, data=form.cleaned_data)
    except ConflictError as error:
        return _conflict(request, user, code, move, error, context)
    except DomainError as error:
        for field, messages in error.fields.items():
            if field in form.fields and messages:
                form.add_error(field, messages)
        context["error"] = error.message
        return render(request, "backoffice/dossier_action.html", context, status=error.http_status)
    target = _safe_next(request)
    if target:
        return redirect(target)
    return redirect(reverse("backoffice:dossier", args=[dossier.code]) + f"?xong={move}")


def _conflict(
    request: HttpRequest, user: User, code: str, move: str, error: ConflictError, context: dict[str, Any]
) -> HttpResponse:
    """The dossier moved meanwhile (another officer, or this one's second click): say so, show it as it is now."""
    fresh = _dossier(user, code)
    context.update(
        dossier=fresh,
        status_label=Status(fresh.status).label,
        conflict=error.message,
        conflict_code=error.code,
        last_event=fresh.events.order_by("-seq").first(),
    )
    if context["last_event"] is not None:
        context["last_event_label"] = event_label(context["last_event"].action, context["last_event"].payload)
    if move in {m.name for m in moves_for(user=user, dossier=fresh)}:
        context["form"] = _form_for(move, fresh)
    else:
        context.pop("form", None)
    return render(request, "backoffice/dossier_action.html", context, status=409)


@official_required
def dossier_file(request: HttpRequest, code: str, file_id: int) -> FileResponse:
    """A component, supplement or result file of a dossier the user may see."""
    user: User = request.user  # type: ignore[assignment]
    dossier = _dossier(user, code)
    stored = dossier.files.filter(pk=file_id).first()
    if stored is None or not stored.file:
        raise Http404(_("Không tìm thấy tệp."))
    name = stored.file.name.rsplit("/", 1)[-1]
    response = stored_file_response(stored.file, filename=name, as_attachment=False)
    if response is None:
        raise Http404(_("Tệp không còn trên máy chủ lưu trữ."))
    return response
