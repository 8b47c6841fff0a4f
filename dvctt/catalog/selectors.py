"""Reads of the catalogue. Other apps reach procedures only through these functions.

The version rule (spec/indicators.md, "Procedure versions") lives in ``catalogue_on`` alone: a version is in
force on day ``d`` when it started on or before ``d``, no later version of the same procedure started on or
before ``d``, and no version of the procedure has an ``abolished_after`` before ``d``. Everything else builds on
that queryset, so the KPIs, the pages and the API cannot disagree about which version applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.catalog.models import DossierComponent, Field, ProcedureVersion
from dvctt.common.errors import NotFoundError
from dvctt.common.text import fold


def catalogue_on(*, on: date) -> QuerySet[ProcedureVersion]:
    """The versions in force on day ``on``: at most one per procedure, in one query."""
    later_started = ProcedureVersion.objects.filter(
        procedure=OuterRef("procedure"), valid_from__gt=OuterRef("valid_from"), valid_from__lte=on
    )
    abolished = ProcedureVersion.objects.filter(procedure=OuterRef("procedure"), abolished_after__lt=on)
    return ProcedureVersion.objects.filter(valid_from__lte=on).filter(
        ~Exists(later_started), ~Exists(abolished)
    )


def procedure_version_at(*, code: str, on: date) -> ProcedureVersion | None:
    """The version of procedure ``code`` in force on ``on``; None when it is not in force that day."""
    return catalogue_on(on=on).filter(procedure__code=code).select_related("procedure", "field").first()


def _search_rank(query: str) -> tuple[Q, Case]:
    """The filter and the rank for a free-text query (lower rank is better)."""
    raw = query.strip()
    folded = fold(raw)
    words = folded.split()
    code_exact = Q(procedure__code__iexact=raw)
    code_prefix = Q(procedure__code__istartswith=raw)
    all_in_name = Q()
    all_in_name_or_field = Q()
    for word in words:
        all_in_name &= Q(name_folded__contains=word)
        all_in_name_or_field &= Q(name_folded__contains=word) | Q(field__name_folded__contains=word)
    phrase = " ".join(words)
    field_phrase = Q(field__name_folded__contains=phrase)
    rank = Case(
        When(code_exact, then=Value(0)),
        When(code_prefix, then=Value(1)),
        When(name_folded__startswith=phrase, then=Value(2)),
        # the words as one phrase beat the same words scattered ("dang ky kinh doanh")
        When(name_folded__contains=phrase, then=Value(3)),
        # a procedure of the field the phrase names: "Đăng ký thành lập hộ kinh doanh" (field "Đăng ký kinh
        # doanh") before "Đăng ký thuế lần đầu đối với hộ kinh doanh" (field "Thuế")
        When(field_phrase & all_in_name, then=Value(4)),
        When(field_phrase, then=Value(5)),
        When(all_in_name, then=Value(6)),
        default=Value(7),
        output_field=IntegerField(),
    )
    return code_prefix | all_in_name_or_field, rank


def procedure_search(
    *,
    query: str = "",
    field: str | None = None,
    unit: str | None = None,
    online_level: int | None = None,
    on: date | None = None,
) -> QuerySet[ProcedureVersion]:
    """Versions in force on ``on`` (today by default) matching a query, best first.

    Case and diacritics are ignored ("dang ky khai sinh" finds "Đăng ký khai sinh"). Rank: exact code, code
    prefix, name starting with the query, the query as a phrase in the name, a procedure of a field whose name
    holds the phrase (every word also in its name, then not), every word in the name, every word in the name
    or the field name.
    ``field`` and ``unit`` are codes. One query for the rows (plus one for the units when prefetched).
    """
    qs = catalogue_on(on=on or timezone.localdate()).select_related("procedure", "field")
    if field:
        qs = qs.filter(field__code=field)
    if online_level:
        qs = qs.filter(online_level=online_level)
    if unit:
        through = ProcedureVersion.units.through
        qs = qs.filter(Exists(through.objects.filter(procedureversion_id=OuterRef("pk"), unit__code=unit)))
    if query and query.strip():
        condition, rank = _search_rank(query)
        return qs.filter(condition).annotate(rank=rank).order_by("rank", "name_folded", "procedure__code")
    return qs.annotate(rank=Value(0, output_field=IntegerField())).order_by("procedure__code")


def procedure_search_page_rows(qs: QuerySet[ProcedureVersion]) -> QuerySet[ProcedureVersion]:
    """What a list page needs beside the version: its units, in one extra query."""
    from dvctt.agencies.models import Unit

    return qs.prefetch_related(Prefetch("units", queryset=Unit.objects.order_by("code")))


@dataclass(frozen=True)
class ProcedureDisplay:
    """A procedure as the public sees it: the version to show and the whole version list."""

    version: ProcedureVersion
    in_force: bool
    versions: list[ProcedureVersion]

    def valid_until(self, version: ProcedureVersion) -> date | None:
        """Last day ``version`` is in force (None: open-ended)."""
        return version_last_day(version, self.versions)


def version_last_day(version: ProcedureVersion, versions: list[ProcedureVersion]) -> date | None:
    """The day before the next version starts, or the abolition day, whichever comes first."""
    from datetime import timedelta

    candidates = [v.abolished_after for v in versions if v.abolished_after is not None]
    later = sorted(v.valid_from for v in versions if v.valid_from > version.valid_from)
    if later:
        candidates.append(later[0] - timedelta(days=1))
    return min(candidates) if candidates else None


def procedure_get_for_display(*, code: str, on: date | None = None) -> ProcedureDisplay:
    """The version in force on ``on`` (today by default) with components, fees and units; else the latest one.

    Raises ``NotFoundError`` for an unknown code.
    """
    from dvctt.agencies.models import Unit

    on = on or timezone.localdate()
    versions = list(
        ProcedureVersion.objects.filter(procedure__code=code)
        .select_related("procedure", "field")
        .prefetch_related(
            "components",
            "fees",
            Prefetch("units", queryset=Unit.objects.order_by("level", "code")),
        )
        .order_by("valid_from")
    )
    if not versions:
        raise NotFoundError(_("Không có thủ tục mã “%(code)s”.") % {"code": code}, code="procedure_not_found")
    current = procedure_version_at(code=code, on=on)
    if current is not None:
        shown = next(v for v in versions if v.pk == current.pk)
        return ProcedureDisplay(version=shown, in_force=True, versions=versions)
    started = [v for v in versions if v.valid_from <= on]
    return ProcedureDisplay(version=(started or versions)[-1], in_force=False, versions=versions)


def field_list() -> QuerySet[Field]:
    return Field.objects.order_by("name_folded", "code")


def component_template_get(*, code: str, component_id: int) -> DossierComponent:
    """A published form template (mẫu đơn, tờ khai) of procedure ``code``, for anyone to download; NotFoundError
    when the component is not the procedure's or has no template."""
    component = (
        DossierComponent.objects.select_related("version__procedure")
        .filter(pk=component_id, version__procedure__code=code)
        .exclude(template="")
        .first()
    )
    if component is None:
        raise NotFoundError(_("Không có mẫu đơn, tờ khai này."))
    return component
