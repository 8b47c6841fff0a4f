"""English is the second language: the committed catalogue must be complete and compiled."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

CATALOGUE_DIR = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"


def _po_entries(path: Path) -> list[tuple[str, list[str], bool]]:
    """(msgid, msgstrs, fuzzy) for each entry of a .po file, header excluded."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, list[str]] = {}
        key = ""
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
            if match:
                key = match.group(1)
                fields[key] = [ast.literal_eval(match.group(2))]
            elif line.startswith('"') and key:
                fields[key].append(ast.literal_eval(line))
        msgid = "".join(fields.get("msgid", []))
        if not msgid:
            continue
        msgstrs = ["".join(v) for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        fuzzy = bool(re.search(r"^#,.*\bfuzzy\b", block, re.M))
        entries.append((msgid, msgstrs, fuzzy))
    return entries


def test_pages_are_vietnamese_even_when_the_browser_asks_for_english(client: Client) -> None:
    # When a browser set to English opens the portal
    html = client.get(reverse("portal:home"), headers={"accept-language": "en"}).content.decode()
    # Then the page is in Vietnamese, the platform's first language
    assert '<html lang="vi">' in html
    assert "Bạn cần làm thủ tục gì?" in html


def test_home_page_in_english_when_chosen(client: Client) -> None:
    # When a visitor has chosen English (the language cookie the switch sets)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("portal:home"))
    # Then the page comes in English (this fails if django.mo is missing or stale)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert f"Online public services of {settings.PROVINCE_NAME} Province" in html
    assert "What do you need to do?" in html
    assert "Bạn cần làm thủ tục gì?" not in html


def test_api_follows_accept_language(client: Client) -> None:
    response = client.get("/api/v1/calendar/due?limit=x", headers={"accept-language": "en"})
    assert response.status_code == 400
    assert response.headers["Content-Language"] == "en"


def test_language_switch_posts_to_setlang_and_sticks(client: Client) -> None:
    # Given a visitor on the Vietnamese home page
    assert "Bạn cần làm thủ tục gì?" in client.get(reverse("portal:home")).content.decode()
    # When they press "English" (the header's form posts to set_language)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("portal:home")})
    assert response.status_code == 302
    # Then the following pages are in English until they switch back
    assert "Skip to main content" in client.get(reverse("portal:home")).content.decode()
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Bỏ qua, đến nội dung chính" in client.get(reverse("portal:home")).content.decode()


def test_without_compiled_catalogue_the_english_check_would_fail(client: Client, tmp_path: Path) -> None:
    # Given no compiled catalogue on the locale path (a fresh checkout without django.mo)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with override_settings(LOCALE_PATHS=[tmp_path]):
        html = client.get(reverse("portal:home")).content.decode()
    # Then the page falls back to Vietnamese, which is what the English test above would catch
    assert "What do you need to do?" not in html
    assert "Bạn cần làm thủ tục gì?" in html


def test_english_catalogue_is_complete_and_compiled() -> None:
    # Given the committed .po and .mo
    po, mo = CATALOGUE_DIR / "django.po", CATALOGUE_DIR / "django.mo"
    assert po.exists() and mo.exists(), "commit both django.po and django.mo (run `make messages`)"
    entries = _po_entries(po)
    assert len(entries) > 50
    # Then every entry is translated, none is fuzzy, and the .mo holds the same translations
    untranslated = [msgid for msgid, msgstrs, fuzzy in entries if fuzzy or not all(msgstrs)]
    assert untranslated == [], f"untranslated or fuzzy entries: {untranslated[:10]}"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [msgid for msgid, msgstrs, _ in entries if compiled.gettext(msgid) != msgstrs[0]]
    assert stale == [], f"django.mo is older than django.po (run `make messages`): {stale[:10]}"


def test_translations_keep_their_placeholders() -> None:
    # A translation that drops or renames %(name)s crashes the page at render time in English only.
    bad = []
    for msgid, msgstrs, _ in _po_entries(CATALOGUE_DIR / "django.po"):
        wanted = set(re.findall(r"%\((\w+)\)", msgid))
        bad += [(msgid, s) for s in msgstrs if set(re.findall(r"%\((\w+)\)", s)) != wanted]
    assert bad == []
