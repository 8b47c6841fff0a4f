"""A morning at the counter, for Locust: citizens, one-stop officers and leaders, each signed in as their own account.

Run by ``bench/bench_load.py`` (which prepares the database, starts gunicorn on 127.0.0.1 and writes the figures),
or by hand against a server prepared with ``bench/locust/fixtures.py``::

    DVCTT_LOCUST_FIXTURE=fixture.json .venv/bin/locust -f bench/locust/locustfile.py --headless \\
        -u 20 -r 4 --run-time 60s --host http://127.0.0.1:8000

``DVCTT_LOCUST_FIXTURE`` is the JSON ``fixtures.prepare`` returned (accounts, password, procedure, unit, codes).
Request names group the URLs per page (``/thu-tuc/[code]/``), so the statistics are per page, not per dossier.
A move refused because another officer made it first (409) is the expected outcome of a race, not an error: it
is counted under its own name (``… (already moved)``).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

FIXTURE: dict[str, Any] = json.loads(Path(os.environ["DVCTT_LOCUST_FIXTURE"]).read_text(encoding="utf-8"))
_lock = threading.Lock()
_accounts = {role: itertools.cycle(FIXTURE[role]) for role in ("citizens", "officers", "leaders")}
#: Codes submitted during the run, shared: citizens look their own up, officers find new work among them.
_submitted: list[str] = []


def _next_account(role: str) -> str:
    with _lock:
        return next(_accounts[role])


class _SignedIn(HttpUser):
    abstract = True
    role = ""

    def on_start(self) -> None:
        self.username = _next_account(self.role)
        self.client.get("/accounts/dang-nhap/", name="sign-in page")
        with self.client.post(
            "/accounts/dang-nhap/",
            data={
                "username": self.username,
                "password": FIXTURE["password"],
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers={"Referer": f"{self.host}/accounts/dang-nhap/"},
            allow_redirects=False,
            name="sign in",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in of {self.username} answered {response.status_code}")

    def api_post(
        self, path: str, body: dict[str, Any], *, name: str, ok: int, conflict_ok: bool = False
    ) -> Any:
        """POST JSON with the session's CSRF token; 409 counted apart when another user moved first."""
        with self.client.post(
            path,
            json=body,
            headers={"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Referer": f"{self.host}/"},
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code == ok:
                return response.json()
            if conflict_ok and response.status_code in (400, 409):
                response.success()
                response.request_meta["name"] = f"{name} (already moved)"
                return None
            response.failure(f"{response.status_code}: {response.text[:200]}")
            return None


class Citizen(_SignedIn):
    """Searches procedures (with and without diacritics), reads one, applies online, follows own dossiers."""

    weight = 6
    role = "citizens"
    wait_time = between(1, 3)

    def on_start(self) -> None:
        super().on_start()
        self.mine: list[str] = []

    @task(4)
    def search(self) -> None:
        self.client.get(
            "/thu-tuc/", params={"q": random.choice(FIXTURE["searches"])}, name="/thu-tuc/?q=[search]"
        )

    @task(2)
    def procedure_page(self) -> None:
        self.client.get(f"/thu-tuc/{FIXTURE['procedure_code']}/", name="/thu-tuc/[code]/")

    @task(2)
    def apply(self) -> None:
        body = {
            "procedure_code": FIXTURE["procedure_code"],
            "unit_code": FIXTURE["unit_code"],
            "channel": 2,
            "applicant_name": "Nguyễn Văn Thử Tải",
            "form_data": FIXTURE["form"],
        }
        created = self.api_post("/api/v1/dossiers/", body, name="apply (POST /api/v1/dossiers/)", ok=201)
        if created:
            self.mine.append(created["code"])
            with _lock:
                _submitted.append(created["code"])

    @task(3)
    def track(self) -> None:
        if self.mine:
            code = random.choice(self.mine)
        elif FIXTURE["codes"]:
            code = random.choice(FIXTURE["codes"])  # a public look-up: no personal data shown
        else:
            return
        self.client.get("/tra-cuu/", params={"ma": code}, name="/tra-cuu/?ma=[code]")

    @task(1)
    def my_dossiers(self) -> None:
        self.client.get("/ho-so-cua-toi/", name="/ho-so-cua-toi/")


class Officer(_SignedIn):
    """A one-stop officer: the inbox, a dossier's page, receives what citizens sent, forwards what was received."""

    weight = 3
    role = "officers"
    wait_time = between(1, 3)

    def _pick(self, status: int, name: str) -> str | None:
        response = self.client.get(
            "/api/v1/dossiers/", params={"status": status, "unit": FIXTURE["unit_code"]}, name=name
        )
        if response.status_code != 200:
            return None
        payload = response.json()
        rows = payload.get("results", payload) if isinstance(payload, dict) else payload
        codes = [row["code"] for row in rows if isinstance(row, dict) and "code" in row]
        return random.choice(codes) if codes else None

    @task(3)
    def inbox(self) -> None:
        self.client.get("/mot-cua/", name="/mot-cua/ (inbox)")

    @task(2)
    def dossier_page(self) -> None:
        code = self._pick(2, "/api/v1/dossiers/?status=2") or (
            random.choice(_submitted) if _submitted else None
        )
        if code:
            self.client.get(f"/mot-cua/ho-so/{code}/", name="/mot-cua/ho-so/[code]/")

    @task(3)
    def receive(self) -> None:
        code = self._pick(1, "/api/v1/dossiers/?status=1")
        if code:
            self.api_post(
                f"/api/v1/dossiers/{code}/actions/receive/", {}, name="receive", ok=200, conflict_ok=True
            )

    @task(2)
    def forward(self) -> None:
        code = self._pick(2, "/api/v1/dossiers/?status=2")
        if code:
            self.api_post(
                f"/api/v1/dossiers/{code}/actions/forward/",
                {"assignee": random.choice(FIXTURE["specialists"]), "note": "Chuyển chuyên viên thụ lý"},
                name="forward",
                ok=200,
                conflict_ok=True,
            )


class Leader(_SignedIn):
    """A provincial leader on the dashboards: the overview, the ranking, an indicator's explanation page."""

    weight = 1
    role = "leaders"
    wait_time = between(2, 5)

    def on_start(self) -> None:
        super().on_start()
        self.indicator_pages: list[str] = []
        self.overview()  # a leader's morning starts on the overview (and finds the indicator pages there)

    @task(3)
    def overview(self) -> None:
        response = self.client.get("/theo-doi/", name="/theo-doi/ (overview)")
        if response.ok and not self.indicator_pages:
            self.indicator_pages = sorted(
                set(re.findall(r'href="(/theo-doi/giai-thich/[^"?#]+/)', response.text))
            )

    @task(2)
    def ranking(self) -> None:
        self.client.get("/theo-doi/xep-hang/", name="/theo-doi/xep-hang/ (ranking)")

    @task(2)
    def indicator(self) -> None:
        if self.indicator_pages:
            self.client.get(random.choice(self.indicator_pages), name="/theo-doi/giai-thich/[indicator]/")
