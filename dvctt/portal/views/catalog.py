"""Public catalogue pages: search procedures (/thu-tuc/) and read one (/thu-tuc/<code>/)."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from dvctt.catalog.models import OnlineLevel
from dvctt.catalog.selectors import (
    component_template_get,
    field_list,
    procedure_get_for_display,
    procedure_search,
    procedure_search_page_rows,
)
from dvctt.common.errors import NotFoundError

PAGE_SIZE = 20


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm thủ tục"), required=False, max_length=200)
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    online_level = forms.TypedChoiceField(
        label=_("Mức độ"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tất cả"))] + [(str(value), label) for value, label in OnlineLevel.choices],
    )
    unit = forms.CharField(label=_("Mã đơn vị"), required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field_choice = self.fields["field"]
        assert isinstance(field_choice, forms.ChoiceField)
        field_choice.choices = [("", _("Tất cả lĩnh vực"))] + [(f.code, f.name) for f in field_list()]


def procedure_list(request: HttpRequest) -> HttpResponse:
    form = ProcedureSearchForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    qs = procedure_search(
        query=params.get("q", ""),
        field=params.get("field") or None,
        unit=params.get("unit") or None,
        online_level=params.get("online_level"),
    )
    page = Paginator(procedure_search_page_rows(qs), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/procedure_list.html",
        {"form": form, "page": page, "query_string": query.urlencode(), "searched": bool(request.GET)},
    )


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        display = procedure_get_for_display(code=code)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    versions = [(v, display.valid_until(v)) for v in display.versions]
    return render(
        request,
        "portal/procedure_detail.html",
        {"display": display, "version": display.version, "versions": versions},
    )


def component_template(request: HttpRequest, code: str, component_id: int) -> FileResponse:
    """A form template of the procedure's papers, downloaded from the procedure page. Served here, not from
    MEDIA_URL: the media folder also holds dossier files and is never published as a whole."""
    try:
        component = component_template_get(code=code, component_id=component_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    try:
        handle = component.template.open("rb")
    except OSError as exc:  # listed in the catalogue, missing on disk: a missing page, not a server error
        raise Http404(_("Không có mẫu đơn, tờ khai này.")) from exc
    return FileResponse(handle, as_attachment=True, filename=component.template.name.rsplit("/", 1)[-1])
