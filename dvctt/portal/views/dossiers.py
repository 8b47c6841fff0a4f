"""The applicant's dossiers: the list, the confirmation after submitting, the tracking page (public by exact
code; more for the owner), and the owner's actions — answer a supplement request, download the result, rate,
complain.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from dvctt.common.errors import DomainError, NotFoundError, TooManyRequests
from dvctt.common.files import stored_file_response
from dvctt.common.request_guard import refusal_response
from dvctt.common.throttle import tracking_throttle
from dvctt.complaints.models import ComplaintKind
from dvctt.dossiers.models import Dossier, DossierFile
from dvctt.dossiers.numbering import dossier_code_normalise
from dvctt.dossiers.selectors import dossier_get_for_user, dossier_get_public
from dvctt.dossiers.services.core import result_issuing_check
from dvctt.dossiers.states import ENDING_STATUSES, MOVES, Status
from dvctt.portal import services
from dvctt.portal.selectors import dossier_expected_of_applicant, drafts_of, my_dossiers
from dvctt.portal.views.errors import raise_http

EXTRA_ACTIONS = {
    "pay_fees": gettext_lazy("Thanh toán phí, lệ phí trực tuyến"),
    "complaint": gettext_lazy("Gửi phản ánh, kiến nghị"),
    "rate": gettext_lazy("Đánh giá mức độ hài lòng"),
}


def _lookup_url(code: str) -> str:
    return f"{reverse('portal:dossier_lookup')}?ma={code}"


def _own_dossier(request: HttpRequest, code: str) -> Dossier:
    """The signed-in user's dossier (or one in an official's scope); 404 for anyone else's."""
    try:
        return dossier_get_for_user(user=request.user, code=code)  # type: ignore[arg-type]
    except DomainError as exc:
        raise_http(exc)
        raise


@login_required
def my_dossier_list(request: HttpRequest) -> HttpResponse:
    dossiers = list(my_dossiers(request.user)[:200])  # type: ignore[arg-type]
    rows = [{"dossier": d, "expected": dossier_expected_of_applicant(d)} for d in dossiers]
    drafts = list(drafts_of(request.user).filter(submitted_at__isnull=True))  # type: ignore[arg-type]
    return render(request, "portal/my_dossiers.html", {"rows": rows, "drafts": drafts})


@login_required
def dossier_submitted(request: HttpRequest, code: str) -> HttpResponse:
    """After submitting: the code, the legal time limit, the estimate, the receiving unit's contacts."""
    from dvctt.dossiers.deadlines import appointment_for

    dossier = _own_dossier(request, code)
    estimate = None
    if dossier.received_at is None:
        try:
            estimate = appointment_for(dossier=dossier, received_at=timezone.now()).due
        except Exception:  # an estimate is a courtesy; a calendar gap must not break the page
            estimate = None
    return render(
        request,
        "portal/dossier_submitted.html",
        {
            "dossier": dossier,
            "version": dossier.procedure_version,
            "unit": dossier.receiving_unit,
            "estimate": estimate,
            "amount_due": _fees_due(dossier),
        },
    )


def _fees_due(dossier: Dossier) -> int:
    from dvctt.integrations.payments.models import PaymentPurpose
    from dvctt.integrations.payments.services import payment_amount_due

    return payment_amount_due(dossier=dossier, purpose=PaymentPurpose.FEES)


def _history(dossier: Dossier, *, full: bool) -> list[dict[str, Any]]:
    rows = []
    for event in dossier.events.order_by("seq"):
        spec = MOVES.get(event.action)
        label = spec.label if spec else EXTRA_ACTIONS.get(event.action, event.action)
        rows.append(
            {
                "at": event.at,
                "label": label,
                "status": Status(event.to_status).label if event.to_status in Status.values else "",
                # Officials' names and what was written stay for the owner; the public sees only the move.
                "actor": event.actor_name if full else "",
                "note": (
                    event.payload.get("content")
                    or event.payload.get("reasons")
                    or event.payload.get("reason")
                    or ""
                )
                if full
                else "",
            }
        )
    return rows


class LookupForm(forms.Form):
    ma = forms.CharField(label=gettext_lazy("Mã hồ sơ"), max_length=64)


def dossier_lookup(request: HttpRequest) -> HttpResponse:
    """/tra-cuu/?ma=<code>: exact code. Anonymous visitors see no personal data; the owner sees everything."""
    code = dossier_code_normalise(request.GET.get("ma", ""))
    context: dict[str, Any] = {"code": code, "form": LookupForm(request.GET or None)}
    if not code:
        return render(request, "portal/dossier_lookup.html", context)
    try:
        tracking_throttle(request)  # codes can be guessed: one budget per address, shared with the API
    except TooManyRequests as exc:
        response = refusal_response(
            request, status=429, code=exc.code, message=exc.message, title=_("Tra cứu quá nhiều lần")
        )
        response["Retry-After"] = str(exc.retry_after)
        return response
    dossier: Dossier | None = None
    full = False
    if request.user.is_authenticated:
        try:
            dossier = dossier_get_for_user(user=request.user, code=code)
            full = True
        except NotFoundError:
            dossier = None
    if dossier is None:
        try:
            dossier = dossier_get_public(code=code)
        except NotFoundError:
            context["not_found"] = True
            return render(request, "portal/dossier_lookup.html", context, status=404)
    owner = full and dossier.applicant_id == request.user.pk
    context.update(dossier=dossier, full=full, owner=owner, history=_history(dossier, full=full))
    if full:
        pending = dossier.supplements.filter(answered_at__isnull=True).order_by("-requested_at").first()
        context.update(
            supplement=pending if dossier.status == Status.SUPPLEMENT_REQUESTED else None,
            results=[f for f in dossier.files.all() if f.kind == DossierFile.Kind.RESULT],
            may_rate=owner and dossier.ended_at is not None and dossier.rating is None,
            ended=dossier.status in ENDING_STATUSES,
            amount_due=_fees_due(dossier) if owner else 0,
            obligation_due=_obligation_due(dossier) if owner else 0,
            slips=_slips(dossier) if owner else [],
        )
    return render(request, "portal/dossier_lookup.html", context)


def _slips(dossier: Dossier) -> list[dict[str, str]]:
    """The slips addressed to the applicant (receipt and appointment, re-issued after a pause; supplement
    request; refusal; apology and new appointment; stop), as PDF links."""
    from dvctt.dossiers.slips.content import applicant_slip_kinds
    from dvctt.dossiers.slips.forms import KIND_LABELS

    events = list(dossier.events.order_by("seq"))
    return [
        {
            "kind": str(kind),
            "label": str(KIND_LABELS[kind]),
            "url": reverse("api:dossier-slip", kwargs={"code": dossier.code, "kind": str(kind)}),
        }
        for kind in applicant_slip_kinds(dossier=dossier, events=events)
    ]


def _obligation_due(dossier: Dossier) -> int:
    from dvctt.integrations.payments.models import PaymentPurpose
    from dvctt.integrations.payments.services import payment_amount_due

    return payment_amount_due(dossier=dossier, purpose=PaymentPurpose.OBLIGATION)


@login_required
@require_POST
def dossier_supplement_answer(request: HttpRequest, code: str) -> HttpResponse:
    from dvctt.dossiers.services import FileUpload, dossier_answer_supplement

    dossier = _own_dossier(request, code)
    uploads = [FileUpload(name=_("Hồ sơ bổ sung"), upload=f) for f in request.FILES.getlist("files")]
    note = request.POST.get("note", "")
    if not note.strip() and not uploads:
        messages.error(request, _("Hãy ghi nội dung bổ sung hoặc đính kèm ít nhất một tệp."))
        return redirect(_lookup_url(dossier.code) + "#bo-sung")
    try:
        dossier_answer_supplement(
            dossier_id=dossier.pk,
            actor=request.user,  # type: ignore[arg-type]
            note=note,
            files=uploads,
            expected_version=int(request.POST.get("version") or dossier.version),
        )
    except DomainError as exc:
        raise_http(exc)
        messages.error(request, exc.message)
        return redirect(_lookup_url(dossier.code) + "#bo-sung")
    messages.success(request, _("Đã gửi hồ sơ bổ sung. Thời gian giải quyết được tính tiếp."))
    return redirect(_lookup_url(dossier.code))


@login_required
def dossier_file_download(request: HttpRequest, code: str, file_id: int) -> HttpResponseBase:
    dossier = _own_dossier(request, code)
    stored = dossier.files.filter(pk=file_id).exclude(file="").first()
    if stored is None:
        raise Http404(_("Không tìm thấy tệp."))
    if stored.kind == DossierFile.Kind.RESULT and dossier.status != Status.RETURNED:
        # before the hand-over, the same check as the hand-over: a result the procedure may not issue unsigned
        # (or not validly signed) is not downloadable either
        try:
            result_issuing_check(dossier)
        except DomainError as exc:
            return refusal_response(
                request,
                status=409,
                code=exc.code or "result_not_issuable",
                message=exc.message,
                title=_("Kết quả chưa được phát hành"),
            )
    response = stored_file_response(stored.file, filename=stored.file.name.rsplit("/", 1)[-1])
    if response is None:
        raise Http404(_("Tệp không còn trên máy chủ lưu trữ."))
    return response


@login_required
@require_POST
def dossier_rate_view(request: HttpRequest, code: str) -> HttpResponse:
    from dvctt.dossiers.services import dossier_rate

    dossier = _own_dossier(request, code)
    choice = request.POST.get("level")
    if choice not in ("3", "2", "1"):
        messages.error(request, _("Hãy chọn một mức: Rất hài lòng, Hài lòng hoặc Không hài lòng."))
        return redirect(_lookup_url(dossier.code) + "#danh-gia")
    try:
        dossier_rate(
            dossier_id=dossier.pk,
            actor=request.user,  # type: ignore[arg-type]
            level=int(choice),
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        raise_http(exc)
        messages.error(request, exc.message)
        return redirect(_lookup_url(dossier.code))
    messages.success(request, _("Cảm ơn Ông/Bà đã đánh giá."))
    return redirect(_lookup_url(dossier.code))


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Loại"),
        choices=ComplaintKind.choices,
        widget=forms.RadioSelect,
        initial=ComplaintKind.COMPLAINT,
    )
    subject = forms.CharField(label=gettext_lazy("Tiêu đề"), max_length=255)
    content = forms.CharField(
        label=gettext_lazy("Nội dung"),
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"min_length": gettext_lazy("Nội dung: hãy mô tả rõ, ít nhất 10 ký tự.")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_complaint(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own_dossier(request, code)
    if dossier.applicant_id != request.user.pk:
        raise Http404(_("Không tìm thấy hồ sơ %(code)s.") % {"code": code})
    form = ComplaintForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.complaint_file(
                    actor=request.user,  # type: ignore[arg-type]
                    dossier_code=dossier.code,
                    kind=form.cleaned_data["kind"],
                    subject=form.cleaned_data["subject"],
                    content=form.cleaned_data["content"],
                )
            except DomainError as exc:
                raise_http(exc)
                for field, problems in exc.fields.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(
                    request, _("Đã gửi phản ánh, kiến nghị về hồ sơ %(code)s.") % {"code": dossier.code}
                )
                return redirect(_lookup_url(dossier.code))
        status = 400
    return render(request, "portal/dossier_complaint.html", {"dossier": dossier, "form": form}, status=status)
