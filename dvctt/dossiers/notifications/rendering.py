"""Render a notification template in a sandbox: Django's template language over plain strings, nothing else.

The engine has no loaders (no ``include``/``extends``), no libraries to ``load``, and a template is checked node by
node before it is used: only text, variables from :data:`~dvctt.dossiers.notifications.context.VARIABLES` (no
attribute lookups), ``if``/``elif``/``else`` and comments, and a short list of text filters. So a template written
in the admin can neither reach the database nor print settings; a template that fails anyway is reported and the
seeded default is used instead (:mod:`dvctt.dossiers.notifications.templates`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import cast

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Node, TextNode, Variable, VariableNode
from django.template.defaulttags import CommentNode, IfNode, TemplateLiteral
from django.utils.translation import gettext as _

from dvctt.dossiers.notifications.context import VARIABLES

ENGINE = Engine(
    dirs=[],
    app_dirs=False,
    loaders=[],
    libraries={},
    builtins=["django.template.defaulttags", "django.template.defaultfilters"],
    autoescape=False,  # plain-text messages: e-mail text part, SMS, Zalo parameters
    string_if_invalid="",
)

ALLOWED_FILTERS = frozenset(
    {
        "default",
        "upper",
        "lower",
        "capfirst",
        "title",
        "truncatechars",
        "truncatewords",
        "cut",
        "yesno",
        "length",
    }
)
ALLOWED_NODES = (TextNode, VariableNode, IfNode, CommentNode)

#: One SMS is 160 characters of the GSM alphabet; a two-part message 306 (2 × 153). Unicode (diacritics) gives 70 / 134.
SMS_SINGLE = 160
SMS_DOUBLE = 306
UNICODE_SINGLE = 70
UNICODE_DOUBLE = 134


class TemplateCheckError(ValueError):
    """A template that may not be saved: a syntax error, an unknown variable, a forbidden tag or filter."""


def _check_variable(var: Variable) -> None:
    if var.lookups is None:
        return  # a literal string or number
    if len(var.lookups) != 1 or var.lookups[0] not in VARIABLES:
        raise TemplateCheckError(
            _("Biến “%(name)s” không có trong danh sách biến được dùng.") % {"name": var.var}
        )


def _check_filter_expression(expression: FilterExpression) -> None:
    if isinstance(expression.var, Variable):
        _check_variable(expression.var)
    for func, args in expression.filters:
        name = getattr(func, "_filter_name", func.__name__)
        if name not in ALLOWED_FILTERS:
            raise TemplateCheckError(
                _("Bộ lọc “%(name)s” không được dùng trong mẫu thông báo.") % {"name": name}
            )
        for lookup, arg in args:
            if lookup and isinstance(arg, Variable):
                _check_variable(arg)


def _check_condition(condition) -> None:
    if isinstance(condition, TemplateLiteral):
        _check_filter_expression(cast(FilterExpression, condition.value))
        return
    for part in (getattr(condition, "first", None), getattr(condition, "second", None)):
        if part is not None:
            _check_condition(part)


def _check_nodes(nodes: list[Node]) -> None:
    for node in nodes:
        if not isinstance(node, ALLOWED_NODES):
            token = getattr(node, "token", None)
            name = token.contents.split()[0] if token is not None else type(node).__name__
            raise TemplateCheckError(
                _("Thẻ “%(name)s” không được dùng trong mẫu thông báo.") % {"name": name}
            )
        if isinstance(node, VariableNode):
            _check_filter_expression(node.filter_expression)
        elif isinstance(node, IfNode):
            for condition, nodelist in node.conditions_nodelists:
                if condition is not None:
                    _check_condition(condition)
                _check_nodes(list(nodelist))


@lru_cache(maxsize=512)
def template_compile(source: str):
    """The compiled template, checked; TemplateCheckError with a Vietnamese message otherwise."""
    try:
        template = ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        raise TemplateCheckError(_("Lỗi cú pháp mẫu: %(error)s") % {"error": exc}) from exc
    _check_nodes(list(template.nodelist))
    return template


_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING = re.compile(r"[ \t]+\n")


def render_source(source: str, variables: dict[str, str]) -> str:
    """Render checked template text with the given variables only (unknown keys are dropped)."""
    template = template_compile(source)
    text = template.render(Context({k: variables.get(k, "") for k in VARIABLES}, autoescape=False))
    text = _TRAILING.sub("\n", text.replace("\r\n", "\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def ascii_fold(text: str) -> str:
    """Vietnamese without diacritics, case kept (``Hồ sơ Đã`` → ``Ho so Da``): what SMS brandname routes accept."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    replacements = {"–": "-", "—": "-", "→": "->", "“": '"', "”": '"', "‘": "'", "’": "'", "…": "..."}
    for old, new in replacements.items():
        stripped = stripped.replace(old, new)
    return stripped.encode("ascii", "ignore").decode("ascii")


def sms_length(text: str) -> tuple[int, int]:
    """(characters, SMS parts) of a text: GSM limits when it is ASCII, Unicode limits otherwise."""
    n = len(text)
    if text.isascii():
        single, part = SMS_SINGLE, 153
    else:
        single, part = UNICODE_SINGLE, 67
    if n <= single:
        return n, 1
    return n, -(-n // part)


def fit_sms(text: str, *, limit: int, keep: str = "") -> str:
    """Cut a text to ``limit`` characters, keeping ``keep`` (the link) whole at its end when it was in the text."""
    if len(text) <= limit:
        return text
    if keep and keep in text and len(keep) < limit - 4:
        head = text.replace(keep, "").rstrip(" :\n")
        return head[: limit - len(keep) - 4].rstrip() + "... " + keep
    return text[: limit - 3].rstrip() + "..."
