"""The officer's signing actions on a dossier's result: sign on the server, check the signature again.

Mounted inside the back office's URLs (``backoffice:signing:...``); both are POST-only and come back to the
dossier page with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dvctt.accounts.models import User
from dvctt.backoffice.views.access import official_required
from dvctt.common.errors import DomainError, NotFoundError
from dvctt.dossiers.models import Dossier, DossierFile
from dvctt.dossiers.selectors import dossier_get_for_user
from dvctt.integrations.signing.services import result_check, result_sign


def _result(user: User, code: str, file_id: int) -> tuple[Dossier, DossierFile]:
    try:
        dossier = dossier_get_for_user(user=user, code=code)
    except NotFoundError as error:
        raise Http404(error.message) from None
    file = dossier.files.filter(pk=file_id, kind=DossierFile.Kind.RESULT).exclude(file="").first()
    if file is None:
        raise Http404(_("Không tìm thấy tệp kết quả."))
    return dossier, file


def _back(dossier: Dossier, file: DossierFile) -> HttpResponse:
    return redirect(reverse("backoffice:dossier", args=[dossier.code]) + f"#chu-ky-so-{file.pk}")


@official_required
@require_POST
def result_sign_view(request: HttpRequest, code: str, file_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    dossier, file = _result(user, code, file_id)
    try:
        check = result_sign(file_id=file.pk, actor=user)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(dossier, file)
    if check.is_valid:
        messages.success(
            request, _("Đã ký số kết quả “%(name)s” trên máy chủ; chữ ký số hợp lệ.") % {"name": file.name}
        )
    else:
        messages.warning(
            request,
            _("Đã ký số kết quả “%(name)s” trên máy chủ, nhưng chữ ký chưa được xác thực: %(detail)s")
            % {"name": file.name, "detail": check.detail},
        )
    return _back(dossier, file)


@official_required
@require_POST
def result_recheck_view(request: HttpRequest, code: str, file_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    dossier, file = _result(user, code, file_id)
    check = result_check(file=file)
    if check is not None:
        messages.info(
            request,
            _("Đã kiểm tra lại chữ ký số của “%(name)s”: %(verdict)s.")
            % {"name": file.name, "verdict": check.get_verdict_display()},
        )
    return _back(dossier, file)
