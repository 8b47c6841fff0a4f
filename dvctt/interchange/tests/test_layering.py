"""The record format sits low in the house: its reading and writing modules import nothing of the platform, so
the indicators' reference engine and any tool can use them without the platform's apps."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
FORMAT_MODULES = [
    "__init__.py",
    "crossref.py",
    "issues.py",
    "reader.py",
    "records.py",
    "times.py",
    "writer.py",
]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", FORMAT_MODULES)
def test_format_module_imports_nothing_of_the_platform(module: str) -> None:
    imported = _imports(PACKAGE / module)
    assert not {name for name in imported if name.startswith("dvctt")}, imported
    # Django only for translating messages (issues.py falls back to plain text without settings).
    assert {name for name in imported if name.startswith("django")} <= {
        "django.core.exceptions",
        "django.utils.translation",
    }, imported


def test_outside_systems_do_not_hold_the_record_format() -> None:
    integrations = PACKAGE.parent / "integrations"
    assert not (integrations / "interchange").exists()
    assert not (integrations / "importer").exists()
    packages = sorted(p.name for p in integrations.iterdir() if (p / "__init__.py").exists())
    assert "national_portal" in packages and "payments" in packages
