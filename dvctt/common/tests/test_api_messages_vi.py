"""The API's validation messages follow the request's language: Django REST framework's own messages in Vietnamese.

DRF ships a Vietnamese catalogue of 21 strings, so "This field is required." reached Vietnamese citizens in
English. The project keeps a full one, ``dvctt/locale/vendor/vi`` (docs/api.md, "Languages"); these tests send
real submissions through the whole stack (session sign-in, every middleware, the API's error shape), and check
that the catalogue covers every message DRF has, with the same placeholders.
"""

from __future__ import annotations

import ast
import gettext as gettext_module
import importlib
import inspect
import re
from pathlib import Path

import django
import pytest
import rest_framework
from django.apps import apps
from django.conf import settings
from django.test import override_settings
from django.utils import translation
from django.utils.functional import Promise
from rest_framework.test import APIClient

from dvctt.dossiers.tests.test_api import SUBMIT

VENDOR = Path(settings.BASE_DIR) / "dvctt" / "locale" / "vendor"
CATALOG_PO = VENDOR / "vi" / "LC_MESSAGES" / "django.po"
CATALOG_MO = VENDOR / "vi" / "LC_MESSAGES" / "django.mo"
DRF_LOCALE = Path(rest_framework.__file__).parent / "locale"

#: DRF's modules whose classes carry messages (error messages, details, descriptions of query parameters).
DRF_MODULES = [
    "rest_framework.authentication",
    "rest_framework.exceptions",
    "rest_framework.fields",
    "rest_framework.filters",
    "rest_framework.pagination",
    "rest_framework.relations",
    "rest_framework.serializers",
    "rest_framework.validators",
    "rest_framework.versioning",
]


def _signed_in(user) -> APIClient:
    """A real session, as the citizen portal's own calls carry: DRF's SessionAuthentication reads it."""
    client = APIClient()
    client.force_login(user)
    return client


def _submit(user, body: dict, language: str = "") -> dict:
    """Submit ``body``; ``language`` is the Accept-Language header, none when empty."""
    headers = {"Accept-Language": language} if language else {}
    response = _signed_in(user).post("/api/v1/dossiers/", body, format="json", headers=headers)
    assert response.status_code == 400, response.content
    return response.json()["error"]


@pytest.mark.django_db
class TestTheApiAnswersInTheRequestsLanguage:
    def test_a_missing_required_field_is_named_in_vietnamese(self, procedure, citizen):
        body = {key: value for key, value in SUBMIT.items() if key != "applicant_name"}
        error = _submit(citizen, body)
        assert error["code"] == "invalid"
        assert error["message"] == "Dữ liệu không hợp lệ."
        # Django's own vi catalogue happens to hold this message too; the next tests' are DRF's alone.
        assert error["fields"] == {"applicant_name": ["Trường này là bắt buộc."]}

    def test_a_too_long_value_is_refused_in_vietnamese_with_its_limit(self, procedure, citizen):
        error = _submit(citizen, {**SUBMIT, "applicant_name": "A" * 256}, "vi")
        assert error["fields"] == {"applicant_name": ["Tối đa 255 ký tự."]}

    def test_a_value_outside_the_choices_is_refused_in_vietnamese(self, procedure, citizen):
        error = _submit(citizen, {**SUBMIT, "channel": 99})
        assert error["fields"] == {"channel": ["“99” không phải là lựa chọn hợp lệ."]}

    def test_a_client_asking_for_english_gets_drfs_english(self, procedure, citizen):
        body = {key: value for key, value in SUBMIT.items() if key != "applicant_name"}
        missing = _submit(citizen, body, "en")
        too_long = _submit(citizen, {**SUBMIT, "applicant_name": "A" * 256}, "en-US,en;q=0.9")
        assert missing["message"] == "Invalid data."
        assert missing["fields"] == {"applicant_name": ["This field is required."]}
        assert too_long["fields"] == {
            "applicant_name": ["Ensure this field has no more than 255 characters."]
        }

    def test_an_english_request_leaves_the_next_one_in_vietnamese(self, procedure, citizen):
        body = {key: value for key, value in SUBMIT.items() if key != "applicant_name"}
        _submit(citizen, body, "en")
        assert _submit(citizen, body)["fields"] == {"applicant_name": ["Trường này là bắt buộc."]}


def _po_entries(path: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file (no plural forms, no contexts: DRF has none)."""
    entries: dict[str, str] = {}
    parts: dict[str, list[str]] = {"msgid": [], "msgstr": []}
    current = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr ")):
            if line.startswith("msgid ") and current == "msgstr":
                entries["".join(parts["msgid"])] = "".join(parts["msgstr"])
                parts = {"msgid": [], "msgstr": []}
            key, _, literal = line.partition(" ")
            current = key
            parts[key].append(ast.literal_eval(literal))
        elif line.startswith('"') and current:
            parts[current].append(ast.literal_eval(line))
        assert not line.startswith(("msgid_plural", "msgctxt")), (
            "plural forms or contexts: extend this reader"
        )
    if current == "msgstr":
        entries["".join(parts["msgid"])] = "".join(parts["msgstr"])
    entries.pop("", None)  # the header
    return entries


def _mo_entries(path: Path) -> dict[str, str]:
    with path.open("rb") as mo:
        catalog = gettext_module.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    return {key: value for key, value in catalog.items() if key}


def _bundled_msgids() -> set[str]:
    """Every msgid of the catalogues DRF ships, in any language (some hold a message its code no longer has)."""
    msgids: set[str] = set()
    for mo in DRF_LOCALE.glob("*/LC_MESSAGES/django.mo"):
        msgids |= {key for key in _mo_entries(mo) if isinstance(key, str)}
    return msgids


def _messages_in_drfs_classes() -> set[str]:
    """The lazy messages DRF's classes carry (error messages, details, parameter descriptions), read in no language.

    The shipped catalogues can lag behind DRF's code ("A valid biginteger is required." is in none of them).
    """
    found: set[str] = set()
    with translation.override(None):
        for name in DRF_MODULES:
            for _, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass):
                if not cls.__module__.startswith("rest_framework"):
                    continue
                for value in vars(cls).values():
                    values = value.values() if isinstance(value, dict) else [value]
                    found |= {str(item) for item in values if isinstance(item, Promise)}
    return found


PLACEHOLDER = re.compile(r"\{[^{}]*\}|%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


class TestTheVietnameseCatalogue:
    def test_it_is_read_after_the_projects_own_and_before_drfs(self):
        paths = [Path(path) for path in settings.LOCALE_PATHS]
        # makemessages writes to the first entry: the project's English catalogue stays there.
        assert paths[0] == Path(settings.BASE_DIR) / "dvctt" / "locale"
        assert VENDOR in paths[1:]

    def test_the_committed_mo_is_the_compiled_po(self):
        assert _mo_entries(CATALOG_MO) == _po_entries(CATALOG_PO)

    def test_every_drf_message_is_translated_with_its_placeholders(self):
        catalogue = _po_entries(CATALOG_PO)
        in_code = _messages_in_drfs_classes()
        # the reading of DRF's classes works: it finds what the submission tests see
        assert {
            "This field is required.",
            "Ensure this field has no more than {max_length} characters.",
        } <= in_code
        msgids = _bundled_msgids() | in_code
        assert len(msgids) > 120
        missing = sorted(msgids - set(catalogue))
        assert not missing, (
            f"DRF messages without a Vietnamese translation (docs/api.md, Languages): {missing}"
        )
        for msgid in msgids:
            translated = catalogue[msgid]
            assert translated.strip(), msgid
            assert translated != msgid, msgid
            assert _placeholders(translated) == _placeholders(msgid), msgid

    def test_a_message_django_or_another_app_translates_keeps_that_translation(self):
        """The catalogue is read before every app's: a message DRF shares with Django's forms ("Enter a valid email
        address.") must keep the translation the web pages show."""
        catalogue = _mo_entries(CATALOG_MO)
        locales = [Path(django.__file__).parent / "conf" / "locale"]
        locales += [
            Path(app.path) / "locale" for app in apps.get_app_configs() if app.name != "rest_framework"
        ]
        shared: set[str] = set()
        for locale in locales:
            mo = locale / "vi" / "LC_MESSAGES" / "django.mo"
            if mo.exists():
                shared |= {msgid for msgid, text in _mo_entries(mo).items() if text and msgid in catalogue}
        assert {"Enter a valid email address.", "This field is required."} <= shared
        without_vendor = [path for path in settings.LOCALE_PATHS if Path(path) != VENDOR]
        with override_settings(LOCALE_PATHS=without_vendor), translation.override("vi"):
            before = {msgid: translation.gettext(msgid) for msgid in shared}
        assert {msgid: catalogue[msgid] for msgid in shared} == before

    def test_vietnamese_requests_get_it_rather_than_drfs_own(self):
        catalogue = _mo_entries(CATALOG_MO)
        with translation.override("vi"):
            answered = {msgid: translation.gettext(msgid) for msgid in catalogue}
        assert answered == catalogue
        # one DRF itself translates differently (with a stray leading space)
        assert answered["This list may not be empty."] == "Danh sách này không được để trống."
