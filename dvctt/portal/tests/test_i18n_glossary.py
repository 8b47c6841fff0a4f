"""The English catalogue uses one English term per Vietnamese term (the glossary in docs/i18n.md).

Different people translated different screens, so the same "hồ sơ" came out as "dossier" on one page and
"application" on the next, and a citizen could not tell they were the same thing. This test reads the .po
and fails when an entry whose msgid holds a glossary term uses one of that term's rejected English words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from dvctt.portal.tests.test_i18n import _po_entries

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"


@dataclass(frozen=True)
class Term:
    """A glossary line: the Vietnamese term (regex on msgid), its English term and the words it replaces."""

    vietnamese: str
    english: str
    rejected: str
    # Role titles that keep a word otherwise rejected, allowed when the msgid holds the given Vietnamese phrase.
    allowed: tuple[tuple[str, str], ...] = ()


GLOSSARY: tuple[Term, ...] = (
    Term("hồ sơ", "dossier", r"\bapplications?\b"),
    Term(
        "cán bộ",
        "official",
        r"\bofficers?\b|\bstaff\b|\bemployees?\b|\bclerks?\b",
        allowed=(
            ("cán bộ một cửa", r"\bone-stop officers?\b"),
            ("cán bộ theo dõi", r"\bmonitoring officers?\b"),
            # "cán bộ, công chức, viên chức" is the legal triad: officials, civil servants, public employees.
            ("viên chức", r"\bpublic employees?\b"),
        ),
    ),
    Term("bộ phận một cửa", "one-stop unit", r"one-stop (?:counter|shop|desk)|reception desk|single window"),
    Term("trả kết quả", "return the result", r"\bdeliver(?:y|ed|s|ing)?\b"),
    Term("bổ sung", "supplement", r"additional documents?|more documents|\bextra\b"),
    Term("tiếp nhận", "receive / receipt", r"\baccept(?:s|ed|ing|ance)?\b|\bintake\b"),
    Term("chỉ tiêu", "target", r"\bindicators?\b|\bquotas?\b|\bgoals?\b"),
    Term("phản ánh|PAKN", "feedback", r"\bcomplaints?\b"),
    Term("Cổng DVCQG", "National Public Service Portal", r"\bNational Portal\b"),
    Term("thủ tục hành chính", "administrative procedure", r"\bformalit(?:y|ies)\b"),
    Term("giải quyết", "process / processing", r"\bresolv\w*|\bsettle(?:s|d|ment)?\b"),
)

# msgid -> why it may keep a rejected word. Keep this short: each line is a decision, not a dump.
EXCEPTIONS: dict[str, str] = {
    # "dữ liệu bổ sung" here is a form field's extra JSON data, not a supplement to a dossier.
    "%(label)s: dữ liệu bổ sung phải là một đối tượng.": "extra data of a form field, not a dossier supplement",
    # outreach.Practice.indicators holds monitoring indicator codes; the Vietnamese says "chỉ tiêu" where it
    # means "chỉ số", so the English names what the screen really shows.
    "Chỉ tiêu so sánh": "outreach compares indicators (chỉ số), not plan targets",
    "chỉ tiêu so sánh": "outreach compares indicators (chỉ số), not plan targets",
    "Hãy chọn ít nhất một chỉ tiêu để so sánh trước và sau.": "outreach compares indicators, not plan targets",
    "Chỉ tiêu không có: %(c)s.": "outreach compares indicators, not plan targets",
    "Chọn ít nhất một chỉ tiêu.": "outreach compares indicators, not plan targets",
    "Những cách làm đã nâng được chỉ tiêu của đơn vị, với số liệu trước và sau lấy từ chính hệ thống theo dõi.": (
        "outreach compares indicators, not plan targets"
    ),
}


def glossary_violations(entries: list[tuple[str, list[str], bool]]) -> list[tuple[str, str, str]]:
    """(msgid, offending English, glossary term) for every msgstr that uses a rejected word."""
    found = []
    for msgid, msgstrs, _ in entries:
        for term in GLOSSARY:
            if not re.search(term.vietnamese, msgid, re.IGNORECASE):
                continue
            for msgstr in msgstrs:
                text = msgstr
                for phrase, role in term.allowed:
                    if phrase in msgid.lower():
                        text = re.sub(role, "", text, flags=re.IGNORECASE)
                for match in re.finditer(term.rejected, text, re.IGNORECASE):
                    found.append((msgid, match.group(0), term.english))
    return found


def test_catalogue_follows_the_glossary() -> None:
    violations = [v for v in glossary_violations(_po_entries(CATALOGUE)) if v[0] not in EXCEPTIONS]
    assert violations == [], "use the glossary term (docs/i18n.md): " + "; ".join(
        f"{msgid!r} says {word!r}, want {english!r}" for msgid, word, english in violations[:10]
    )


def test_exceptions_are_still_needed() -> None:
    # An exception whose entry is gone or no longer uses a rejected word must be removed from the list.
    still_needed = {msgid for msgid, _, _ in glossary_violations(_po_entries(CATALOGUE))}
    assert sorted(set(EXCEPTIONS) - still_needed) == []


def test_administrative_procedure_is_spelled_out() -> None:
    # The full Vietnamese term gets the full English term; the short "thủ tục"/"TTHC" may say "procedure".
    missing = [
        msgid
        for msgid, msgstrs, _ in _po_entries(CATALOGUE)
        if "thủ tục hành chính" in msgid.lower()
        and not all("administrative procedure" in s.lower() for s in msgstrs)
    ]
    assert missing == []


def test_check_catches_a_mixed_term(tmp_path: Path) -> None:
    # Given a catalogue where one entry slipped back to "application" and one role title is kept
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        'msgid "Mã hồ sơ"\nmsgstr "Application code"\n\n'
        'msgid "Cán bộ một cửa"\nmsgstr "One-stop officer"\n\n'
        'msgid "Chọn một cán bộ của đơn vị."\nmsgstr "Choose an officer of the unit."\n',
        encoding="utf-8",
    )
    # Then the check names the two wrong words and leaves the role title alone
    assert [(msgid, word) for msgid, word, _ in glossary_violations(_po_entries(po))] == [
        ("Mã hồ sơ", "Application"),
        ("Chọn một cán bộ của đơn vị.", "officer"),
    ]
