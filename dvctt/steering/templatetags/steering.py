"""``{% steering_summary as s %}``: the steering panel's figures for the page's reader (the dashboards include
``steering/_dashboard_panel.html``, which calls it: the dashboards' views need not know about steering)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from dvctt.steering import access
from dvctt.steering.selectors import TaskSummary, dashboard_task_summary

register = template.Library()


@register.simple_tag(takes_context=True)
def steering_summary(context: Any) -> TaskSummary | None:
    """The reader's task summary, or None when they have no steering pages; a summary the view put in the
    context (``steering_summary``) is used as it is."""
    given = context.get("steering_summary")
    if isinstance(given, TaskSummary):
        return given
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not access.can_use_steering(user):
        return None
    return dashboard_task_summary(user, timezone.localdate())
