"""Reads of an applicant's stored papers ("Giấy tờ của tôi"): the files they uploaded in their own dossiers and
the electronic results handed over to them. Always scoped to the reader: nobody reaches another person's paper.

A paper is a ``DossierFile`` with stored bytes. Only originals are listed: a paper attached again to a later
dossier (``reused_from``) is the same paper, shown once. Results count once the dossier is handed over (status 10,
``return_result``): before that a result may still be unsigned or withdrawn.

The same bytes uploaded separately in several dossiers (same owner, same ``sha256``) are one paper for the reader:
the list shows one entry per content, the newest copy standing for the others, with the number of dossiers the
content served. The collapsing is a ``NOT EXISTS`` on ``sha256`` in the database (SQLite and PostgreSQL alike), so
a page costs the same whatever the number of papers.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db.models import CharField, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import Contains
from django.utils.translation import gettext as _

from dvctt.accounts.models import Role, User
from dvctt.common.errors import NotFoundError
from dvctt.common.text import fold
from dvctt.dossiers.models import DossierFile, HiddenPaper
from dvctt.dossiers.states import Status

#: The kinds of files the applicant uploaded themselves.
UPLOADED_KINDS = (DossierFile.Kind.COMPONENT, DossierFile.Kind.SUPPLEMENT)

#: A search is a few words: more would only slow the query, never find a better paper.
SEARCH_MAX_WORDS = 8
SEARCH_MAX_CHARS = 200


# --- folding in the database ---------------------------------------------------------------------------------
# ``common.text.fold`` folds the search words in Python; the paper's name is folded by the database with the same
# table, so "giay khai sinh" finds "Giấy khai sinh" without a stored folded column on every file row. The table is
# the Vietnamese alphabet (composed, both cases, and the combining marks of decomposed text), built from ``fold``
# itself so the two cannot drift apart.

_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_MARKS = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"


def _vietnamese_letters() -> str:
    letters = []
    for base in _VOWELS + _VOWELS.upper():
        for tone in _TONES:
            letter = unicodedata.normalize("NFC", base + tone)
            if not letter.isascii():
                letters.append(letter)
    return "".join(letters) + "đĐ"


_LETTERS = _vietnamese_letters()
_FOLDED = "".join(fold(letter) for letter in _LETTERS)
assert len(_FOLDED) == len(_LETTERS) and _FOLDED.isascii()


class Folded(Func):
    """``fold()`` in SQL for Vietnamese text: diacritics dropped (đ → d), lower case.

    PostgreSQL: one ``TRANSLATE`` over the table (characters beyond the target string are deleted: the combining
    marks), then ``LOWER``, which only has ASCII left to fold, so no locale matters. SQLite (development, tests) has
    no ``TRANSLATE`` and overflows its parser on ~150 nested ``REPLACE``: ``fold`` itself is registered on the
    connection as a deterministic function.
    """

    arity = 1
    output_field = CharField()

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        return f"LOWER(TRANSLATE({sql}, %s, %s))", [*params, _LETTERS + _MARKS, _FOLDED]

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:
        connection.ensure_connection()
        connection.connection.create_function("dvctt_fold", 1, fold, deterministic=True)
        sql, params = compiler.compile(self.source_expressions[0])
        return f"dvctt_fold({sql})", list(params)


def search_words(query: str) -> list[str]:
    """The folded words of a search (at most SEARCH_MAX_WORDS); empty for a blank search."""
    return fold(query[:SEARCH_MAX_CHARS]).split()[:SEARCH_MAX_WORDS]


def _matching(words: list[str]) -> Q:
    """Every word in the paper's name, or every word in its dossier's procedure, or the dossier's code.

    Words are not mixed across the two: "giay khai sinh" is the birth certificate, not every paper named "giấy…"
    of a birth registration.
    """
    in_name, in_procedure = Q(), Q()
    for word in words:
        in_name &= Q(Contains(Folded("name"), word))
        in_procedure &= Q(dossier__procedure_version__name_folded__contains=word)
    return in_name | in_procedure | Q(dossier__code__icontains=" ".join(words))


# --- the papers ---------------------------------------------------------------------------------------------


def _owned(user: User) -> QuerySet[DossierFile]:
    """Every file row that is one of ``user``'s papers, reused copies included; hidden or not."""
    if not user.is_authenticated or user.role not in (Role.CITIZEN, Role.BUSINESS):
        return DossierFile.objects.none()
    return (
        DossierFile.objects.filter(dossier__applicant=user)
        .exclude(file="")
        .filter(
            Q(kind__in=UPLOADED_KINDS)
            | Q(kind=DossierFile.Kind.RESULT, dossier__status=Status.RETURNED, electronic=True)
        )
    )


def _same_content(user: User) -> QuerySet[DossierFile]:
    """``user``'s file rows holding the outer row's bytes: the row, its reuses, and any row of the same sha256."""
    return _owned(user).filter(
        Q(pk=OuterRef("pk")) | Q(reused_from=OuterRef("pk")) | (Q(sha256=OuterRef("sha256")) & ~Q(sha256=""))
    )


def _with_uses(qs: QuerySet[DossierFile], user: User) -> QuerySet[DossierFile]:
    """Annotate ``dossier_count``: how many of the user's dossiers hold the paper's content (one subquery)."""
    count = (
        _same_content(user)
        .order_by()
        .annotate(
            n=Func(F("dossier_id"), template="COUNT(DISTINCT %(expressions)s)", output_field=IntegerField())
        )
        .values("n")
    )
    return qs.annotate(dossier_count=Subquery(count, output_field=IntegerField()))


def papers_of(
    user: User, *, hidden: bool = False, query: str = "", one_per_content: bool = True
) -> QuerySet[DossierFile]:
    """The applicant's papers, newest first (with their dossier and ``dossier_count``): shown ones, or with
    ``hidden`` the hidden ones.

    ``query``: only papers whose name, procedure or dossier code holds every word (diacritics and case ignored).
    ``one_per_content``: identical bytes (same sha256) are one entry, the newest matching copy; False lists every
    original (what :func:`paper_get_for_user` resolves). Empty for anonymous visitors and officials (an official's
    dossiers are never "their" papers).
    """
    qs = _owned(user).filter(reused_from__isnull=True)
    if not user.is_authenticated:
        return qs
    hidden_ids = HiddenPaper.objects.filter(user=user).values("file_id")
    qs = qs.filter(pk__in=hidden_ids) if hidden else qs.exclude(pk__in=hidden_ids)
    words = search_words(query)
    if words:
        qs = qs.filter(_matching(words))
    if one_per_content:
        newer_copy = (
            qs.filter(sha256=OuterRef("sha256"))
            .exclude(sha256="")
            .filter(
                Q(uploaded_at__gt=OuterRef("uploaded_at"))
                | Q(uploaded_at=OuterRef("uploaded_at"), pk__gt=OuterRef("pk"))
            )
        )
        qs = qs.filter(~Exists(newer_copy))
    return (
        _with_uses(qs, user)
        .select_related("dossier", "dossier__procedure_version")
        .order_by("-uploaded_at", "-id")
    )


def paper_get_for_user(*, user: User, paper_id: int, include_hidden: bool = False) -> DossierFile:
    """One of ``user``'s papers by id (NotFoundError for any other id: another person's, a hidden one unless
    ``include_hidden``, a reused copy, a result not handed over yet). Any copy of a content resolves, not only the
    one the list shows: a draft may hold an older copy's id."""
    qs = _owned(user).filter(reused_from__isnull=True)
    if user.is_authenticated and not include_hidden:
        qs = qs.exclude(pk__in=HiddenPaper.objects.filter(user=user).values("file_id"))
    paper = (
        _with_uses(qs, user)
        .select_related("dossier", "dossier__procedure_version")
        .filter(pk=paper_id)
        .first()
    )
    if paper is None:
        raise NotFoundError(
            _("Không tìm thấy giấy tờ này trong “Giấy tờ của tôi”."),
            code="paper_not_found",
            fields={"paper": [_("Giấy tờ không thuộc tài khoản của bạn hoặc đã bị ẩn.")]},
        )
    return paper


def paper_copies(*, user: User, paper: DossierFile) -> QuerySet[DossierFile]:
    """Every original of ``user`` holding ``paper``'s bytes (``paper`` included), hidden or not: what hiding the
    entry hides. A paper without a checksum is its own only copy."""
    qs = _owned(user).filter(reused_from__isnull=True)
    return qs.filter(sha256=paper.sha256) if paper.sha256 else qs.filter(pk=paper.pk)


def paper_dossier_codes(*, user: User, papers: list[DossierFile]) -> dict[int, list[str]]:
    """For each listed paper, the codes of the user's dossiers holding its content, newest first (one query over
    the given papers' contents only: call it with a page, never with every paper)."""
    if not papers:
        return {}
    ids = [paper.pk for paper in papers]
    sums = {paper.sha256 for paper in papers if paper.sha256}
    rows = (
        _owned(user)
        .filter(Q(pk__in=ids) | Q(reused_from__in=ids) | Q(sha256__in=sums))
        .order_by("-dossier__created_at", "-dossier_id")
        .values_list("pk", "reused_from_id", "sha256", "dossier__code")
    )
    # Dicts as ordered sets: a code once per paper, in the rows' order.
    codes: dict[int, dict[str, None]] = {paper.pk: {} for paper in papers}
    by_sum = {paper.sha256: paper.pk for paper in papers if paper.sha256}
    for pk, reused_from_id, sha256, code in rows:
        owner = by_sum.get(sha256) or (pk if pk in codes else reused_from_id)
        if owner in codes:
            codes[owner][code] = None
    return {pk: list(found) for pk, found in codes.items()}
