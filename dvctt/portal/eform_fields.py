"""Binding a procedure's e-form definition (catalog.eforms) to HTML: fields to render, values from a POST."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict


@dataclass
class EField:
    name: str
    label: str
    type: str
    required: bool
    help: str = ""
    max_length: int | None = None
    choices: list[tuple[str, str]] = field(default_factory=list)
    value: Any = ""
    errors: list[str] = field(default_factory=list)
    # Filled by the national identity: shown read-only (the server keeps the identity's value anyway).
    verified: bool = False

    @property
    def input_id(self) -> str:
        return f"ef-{self.name}"

    @property
    def values(self) -> list[str]:
        """Selected values of a multiselect (the template tests membership)."""
        if isinstance(self.value, list):
            return [str(v) for v in self.value]
        return [str(self.value)] if self.value not in ("", None) else []

    @property
    def checked(self) -> bool:
        return self.value is True or str(self.value).lower() in {"1", "true", "on", "yes"}


def _choices(raw: list[Any]) -> list[tuple[str, str]]:
    return [(str(c[0]), str(c[1])) if isinstance(c, list | tuple) else (str(c), str(c)) for c in raw or []]


def eform_fields(
    definition: list[dict[str, Any]],
    data: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
    *,
    verified: frozenset[str] | set[str] = frozenset(),
) -> list[EField]:
    """The fields to render, with ``data``'s values; names in ``verified`` are rendered read-only."""
    errors = errors or {}
    return [
        EField(
            name=spec["name"],
            label=str(spec.get("label") or spec["name"]),
            type=spec.get("type", "text"),
            required=bool(spec.get("required")),
            help=str(spec.get("help") or ""),
            max_length=spec.get("max_length"),
            choices=_choices(spec.get("choices") or []),
            value=data.get(spec["name"], [] if spec.get("type") == "multiselect" else ""),
            errors=errors.get(spec["name"], []),
            verified=spec["name"] in verified,
        )
        for spec in definition or []
    ]


def eform_data_from_post(definition: list[dict[str, Any]], post: QueryDict) -> dict[str, Any]:
    """The typed values, by field name, as the validator expects them (lists for multiselects)."""
    data: dict[str, Any] = {}
    for spec in definition or []:
        name = spec["name"]
        kind = spec.get("type")
        if kind == "multiselect":
            data[name] = post.getlist(f"ef-{name}")
        elif kind == "checkbox":
            data[name] = post.get(f"ef-{name}") == "on"
        else:
            data[name] = post.get(f"ef-{name}", "").strip()
    return data
