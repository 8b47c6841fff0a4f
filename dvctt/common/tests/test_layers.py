"""The apps' one-way dependencies (README, "Architecture"): an app imports only apps of its own layer or below.

Read from the source with ``ast`` (every ``import`` and ``from … import`` naming ``dvctt.<app>``, wherever it
stands, including inside functions), so a new upward import fails here rather than in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]

#: Lower number = lower layer. ``interchange`` is the national record format itself (plain records, a reader
#: and a writer, no models): a library every layer may read, like ``common``. Its ``importer`` and ``exporter``
#: bridge the format and the tables of every domain, so they stand at the top.
LAYERS: dict[str, int] = {
    "common": 0,
    "interchange": 0,
    "interchange.importer": 5,
    "interchange.exporter": 5,
    "interchange.management": 5,
    # The outbox: messages to outside systems, written by any domain, knowing none of them.
    "outbox": 0,
    # Tasks kept while the queue's Redis is away (docs/tasks.md), knowing no domain.
    "taskspool": 0,
    "agencies": 1,
    "calendar": 1,
    "accounts": 1,
    "catalog": 1,
    "dossiers": 2,
    # Complaints (PAKN) about dossiers: counted by the index (plans), filed and answered by the faces above.
    "complaints": 2,
    # Guides and FAQ for citizens: written by the department, read on the portal (docs/guides.md).
    "guides": 2,
    # Officials guiding relatives to apply online: links, recorded guidance, the watch (docs/guidance.md).
    "guidance": 2,
    "monitoring": 3,
    "plans": 4,
    "reports": 4,
    # The plan's tasks and the difficulties agencies report: beside plans, read by the reports.
    "steering": 4,
    # Communication activities and good practices (figures read through the dashboards' selectors).
    "outreach": 4,
    "portal": 5,
    "backoffice": 5,
    "integrations": 5,
    # The periodic jobs' one schedule (docs/operations.md): it names the tasks of every layer.
    "schedule": 5,
}


def layer_of(dotted: str) -> tuple[str, int] | None:
    """The layer of ``dvctt.<app>[.…]``: the longest matching entry of LAYERS."""
    parts = dotted.split(".")
    if parts[0] != "dvctt" or len(parts) < 2:
        return None
    for size in (2, 1):
        name = ".".join(parts[1 : 1 + size])
        if name in LAYERS:
            return name, LAYERS[name]
    return None


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # ``from dvctt import plans`` names the app in the alias
            if node.module == "dvctt":
                found += [(node.lineno, f"dvctt.{alias.name}") for alias in node.names]
    return found


def upward_imports() -> list[str]:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        owner = layer_of(".".join(relative.with_suffix("").parts))
        if owner is None:
            continue
        for line, module in imports_of(path):
            target = layer_of(module)
            if target is not None and target[1] > owner[1]:
                problems.append(
                    f"{relative}:{line} {owner[0]} (layer {owner[1]}) imports {module} (layer {target[1]})"
                )
    return problems


def test_every_app_is_in_a_layer():
    apps = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists() and p.name not in ("locale",)}
    assert apps <= {name.split(".")[0] for name in LAYERS}, apps - set(LAYERS)


def test_no_app_imports_a_layer_above_it():
    assert upward_imports() == []


def test_the_check_sees_an_upward_import(tmp_path):
    # the checker itself: a monitoring module importing plans is reported
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from dvctt.plans.models import Plan\n", encoding="utf-8")
    assert imports_of(module) == [(2, "dvctt.plans.models")]
    assert layer_of("dvctt.plans.models") == ("plans", 4)
    assert layer_of("dvctt.interchange.records") == ("interchange", 0)
    assert layer_of("dvctt.interchange.importer.service") == ("interchange.importer", 5)
    assert layer_of("dvctt.integrations.national_portal.client") == ("integrations", 5)
