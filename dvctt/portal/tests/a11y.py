"""Accessibility check for browser tests: axe-core (carried by axe-playwright-python) run in the page.

Usage in any browser test::

    from dvctt.portal.tests.a11y import assert_accessible

    page.goto(live_server.url + "/")
    assert_accessible(page)
"""

from __future__ import annotations

from typing import Any

BLOCKING_IMPACTS = frozenset({"serious", "critical"})


def axe_violations(page: Any, *, context: str | None = None) -> list[dict[str, Any]]:
    """All axe violations on the page as it is now (WCAG 2.1 A/AA and best-practice rules)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    return list(results.response["violations"])


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} [{violation['helpUrl']}]"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node.get('failureSummary', '')!s}")
    return "\n".join(lines)


def assert_accessible(page: Any, *, context: str | None = None, label: str = "") -> None:
    """Fail if axe finds any violation of impact serious or critical; list them with where they are.

    Minor and moderate findings do not fail the test (they are often judgement calls) but still appear
    in the message when something else fails.
    """
    page.wait_for_load_state("load")
    violations = axe_violations(page, context=context)
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        where = label or page.url
        raise AssertionError(
            f"Accessibility violations on {where}:\n{format_violations(blocking)}\n"
            f"(also minor/moderate: {', '.join(v['id'] for v in violations if v not in blocking) or 'none'})"
        )
