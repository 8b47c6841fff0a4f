"""The sandbox's national catalogue (spec/national-portal.md §1, operation 3), routed to from ``sandbox.py``.

* Adapter: ``LayDanhSachTTHC`` answers ``result`` = ``[{MATTHC, TENTTHC}]``; ``LayThuTuc`` with ``mathutuc``
  answers ``result`` = the procedure's detail (upper-case fields), or ``error_code`` -1 for an unknown code.
* Gateway (Bearer token): ``POST`` or ``GET /gateway/catalogue`` the list; ``POST`` or ``GET
  /gateway/catalogue/<code>`` the detail (a POST may name the code in its body instead: ``[{"MATTHC": code}]``).
* The catalogue comes from ``--catalogue FILE`` (a JSON list of details) or, without it, from
  ``sandbox_catalogue.json`` beside this module (four procedures). ``POST /_control/reset`` brings it back.
* ``POST /_control/catalogue`` changes it: ``{"op": "set", "procedure": {...}}`` adds or replaces one,
  ``{"op": "update", "code": c, "changes": {...}}`` changes fields of one, ``{"op": "remove", "code": c}`` takes
  one off the list (abolished), ``{"op": "replace", "procedures": [...]}`` sets the whole catalogue,
  ``{"op": "get"}`` shows it.
"""

from __future__ import annotations

import copy
import json
import threading
import urllib.parse
from pathlib import Path
from typing import Any

DEFAULT_FILE = Path(__file__).with_name("sandbox_catalogue.json")
SERVICES = frozenset({"LayDanhSachTTHC", "LayThuTuc"})
PREFIX = "catalogue"


class CatalogueState:
    def __init__(self, procedures: list[dict[str, Any]]) -> None:
        self.lock = threading.RLock()
        self.initial = _by_code(procedures)
        self.procedures = copy.deepcopy(self.initial)

    def reset(self) -> None:
        with self.lock:
            self.procedures = copy.deepcopy(self.initial)

    def listing(self) -> list[dict[str, str]]:
        with self.lock:
            return [
                {"MATTHC": code, "TENTTHC": str(p.get("TENTTHC", ""))} for code, p in self.procedures.items()
            ]

    def detail(self, code: Any) -> tuple[int, str, Any]:
        if not isinstance(code, str) or not code.strip():
            return -1, "mathutuc: required", None
        with self.lock:
            procedure = self.procedures.get(code.strip())
        if procedure is None:
            return -1, f"Không tìm thấy thủ tục: {code}", None
        return 0, "Thành công", copy.deepcopy(procedure)

    def control(self, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        op = data.get("op")
        with self.lock:
            if op == "set":
                procedure = data.get("procedure")
                if not isinstance(procedure, dict) or not str(procedure.get("MATTHC") or "").strip():
                    return 400, {"ok": False, "message": "procedure: an object with MATTHC is required"}
                self.procedures[str(procedure["MATTHC"]).strip()] = copy.deepcopy(procedure)
            elif op == "update":
                procedure = self.procedures.get(str(data.get("code") or ""))
                changes = data.get("changes")
                if procedure is None or not isinstance(changes, dict):
                    return 400, {"ok": False, "message": "code: unknown, or changes: not an object"}
                procedure.update(copy.deepcopy(changes))
            elif op == "remove":
                if self.procedures.pop(str(data.get("code") or ""), None) is None:
                    return 400, {"ok": False, "message": "code: unknown"}
            elif op == "replace":
                procedures = data.get("procedures")
                if not isinstance(procedures, list):
                    return 400, {"ok": False, "message": "procedures: a list is required"}
                self.procedures = _by_code(copy.deepcopy(procedures))
            elif op != "get":
                return 400, {"ok": False, "message": "op: set, update, remove, replace or get"}
            return 200, {
                "ok": True,
                "count": len(self.procedures),
                "procedures": list(self.procedures.values()),
            }


def _by_code(procedures: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        str(p["MATTHC"]).strip(): p
        for p in procedures
        if isinstance(p, dict) and str(p.get("MATTHC") or "").strip()
    }


def catalogue_load(path: str | Path | None = None) -> CatalogueState:
    """The catalogue of ``path`` (a JSON list of LayThuTuc details), the built-in one without it."""
    data = json.loads(Path(path or DEFAULT_FILE).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError("the catalogue file must hold a JSON list of procedures")
    return CatalogueState(data)


def catalogue_of(state: Any) -> CatalogueState:
    """The catalogue a sandbox state serves (the built-in one when it was started without any)."""
    with state.lock:
        if getattr(state, "catalogue", None) is None:
            state.catalogue = catalogue_load()
        return state.catalogue


def adapter_call(state: Any, service: str, data: dict[str, Any]) -> tuple[int, str, Any]:
    """An adapter-style call: (error_code, message, result)."""
    catalogue = catalogue_of(state)
    if service == "LayDanhSachTTHC":
        return 0, "Thành công", catalogue.listing()
    return catalogue.detail(data.get("mathutuc"))


def gateway_call(state: Any, operation: str, items: Any) -> tuple[int, dict[str, Any]]:
    """``operation`` is the path after ``/gateway/`` (``catalogue`` or ``catalogue/<code>``): (status, body)."""
    catalogue = catalogue_of(state)
    path, _sep, _query = operation.partition("?")
    rest = path.removeprefix(PREFIX).strip("/")
    if (
        not rest
        and isinstance(items, list)
        and items
        and isinstance(items[0], dict)
        and items[0].get("MATTHC")
    ):
        rest = str(items[0]["MATTHC"])
    if not rest:
        return 200, {"error_code": 0, "message": "Thành công", "result": catalogue.listing()}
    code, message, result = catalogue.detail(urllib.parse.unquote(rest))
    body: dict[str, Any] = {"error_code": code, "message": message}
    if result is not None:
        body["result"] = result
    return (200 if code == 0 else 404), body


def control(state: Any, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return catalogue_of(state).control(data)
