from __future__ import annotations

from typing import Any

from django import template

from dvctt.integrations.signing.selectors import ResultVerdict, result_verdicts

register = template.Library()


@register.simple_tag(takes_context=True)
def result_signatures(context: Any, files: Any, audience: str = "citizen") -> list[ResultVerdict]:
    """The verdicts of the result files on the page; officers also learn whether they may sign on the server."""
    request = context.get("request")
    if audience == "officer" and request is not None:
        return result_verdicts(files=list(files), user=request.user, dossier=context.get("dossier"))
    return result_verdicts(files=list(files))
