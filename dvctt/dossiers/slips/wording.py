"""The wording of a slip: a Django template, from the administrator's table or the default file, in a sandbox.

An administrator edits the wording of each form in the admin (``SlipForm.wording``). That text is a template
run with:

- autoescaping on, and no ``safe``/``safeseq`` filter nor ``{% autoescape %}`` tag to turn it off;
- a short list of tags (no ``load``, ``extends``, ``debug``, ``url``, ``csrf_token``...) and filters;
- ``{% include %}`` only of the slip partials (``slips/_applicant.html``, ``slips/_components.html``): the loader
  of the sandbox holds nothing else;
- plain data (read-only mappings, tuples, strings, dates): no model instance, so no path such as
  ``d.applicant.password`` or a method that writes.

The default wording (``slips/wording/<kind>.html``) runs in the same sandbox, so an administrator can start from
a copy of it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import cache, lru_cache
from types import MappingProxyType
from typing import Any

from django.template import (
    Context,
    Engine,
    Library,
    Template,
    TemplateDoesNotExist,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
    engines,
    loader_tags,
)
from django.template.backends.django import DjangoTemplates
from django.templatetags import i18n
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

PARTIALS = ("slips/_applicant.html", "slips/_components.html")

ALLOWED_TAGS = {
    defaulttags.register: (
        "comment",
        "cycle",
        "filter",
        "firstof",
        "for",
        "if",
        "ifchanged",
        "now",
        "regroup",
        "resetcycle",
        "spaceless",
        "templatetag",
        "verbatim",
        "widthratio",
        "with",
    ),
    loader_tags.register: ("include",),
    i18n.register: ("translate", "trans", "blocktranslate", "blocktrans"),
}
#: Every built-in filter but those that mark text safe or dump objects.
BLOCKED_FILTERS = frozenset({"safe", "safeseq", "pprint", "json_script", "random"})


class WordingError(ValueError):
    """The wording is not a template the sandbox accepts (syntax, a tag or filter not allowed, an include)."""


def _library() -> Library:
    library = Library()
    for source, names in ALLOWED_TAGS.items():
        for name in names:
            library.tags[name] = source.tags[name]
    for name, function in defaultfilters.register.filters.items():
        if name not in BLOCKED_FILTERS:
            library.filters[name] = function
    return library


def template_source(name: str) -> str:
    """The text of a file template, read through the project's loaders without compiling it."""
    backend = engines["django"]
    assert isinstance(backend, DjangoTemplates)
    for loader in backend.engine.template_loaders:
        for origin in loader.get_template_sources(name):
            source_loader: Any = origin.loader  # the file or app-directories loader that named this origin
            try:
                return source_loader.get_contents(origin)
            except TemplateDoesNotExist:
                continue
    raise TemplateDoesNotExist(name)


@cache
def sandbox() -> Engine:
    engine = Engine(
        loaders=[
            ("django.template.loaders.locmem.Loader", {name: template_source(name) for name in PARTIALS})
        ],
        autoescape=True,
        debug=False,
        string_if_invalid="",
    )
    engine.template_builtins = [_library()]
    engine.template_libraries = {}
    return engine


def default_wording(kind: str) -> str:
    """The default wording of ``kind``: the file ``slips/wording/<kind>.html``."""
    return template_source(f"slips/wording/{kind}.html")


@lru_cache(maxsize=64)
def _compiled(source: str) -> Template:
    return Template(source, engine=sandbox())


def wording_compile(source: str) -> Template:
    try:
        return _compiled(source)
    except TemplateSyntaxError as exc:
        raise WordingError(
            gettext("Nội dung mẫu không hợp lệ: %(error)s") % {"error": exc.args[0] if exc.args else exc}
        ) from exc


def plain(value: Any) -> Any:
    """A read-only copy of ``value`` made of mappings, tuples and scalars (what a sandboxed template may read)."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): plain(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(plain(v) for v in value)
    return value


def wording_render(*, source: str, context: Mapping[str, Any]) -> SafeString:
    """Render ``source`` in the sandbox. WordingError when it does not compile or includes what it may not."""
    template = wording_compile(source)
    try:
        return mark_safe(template.render(Context(dict(plain(context)))))
    except TemplateDoesNotExist as exc:
        raise WordingError(
            gettext("Nội dung mẫu chỉ được chèn các phần: %(names)s.") % {"names": ", ".join(PARTIALS)}
        ) from exc
    except TemplateSyntaxError as exc:  # an included partial that fails, or a lazy tag error
        raise WordingError(gettext("Nội dung mẫu không hợp lệ: %(error)s") % {"error": exc}) from exc


def wording_for(*, kind: str, source: str, context: Mapping[str, Any]) -> SafeString:
    """The form's own wording when it renders; the default file wording when it is empty or (logged) broken.

    A wording saved through the admin was checked against a sample slip (``wording_check``); a failure here is a
    wording that reads data the sample did not have, and a slip must still be issued.
    """
    if source.strip():
        try:
            return wording_render(source=source, context=context)
        except WordingError:
            logger.exception("slip wording of %s failed; the default wording is used", kind)
    return wording_render(source=default_wording(kind), context=context)
