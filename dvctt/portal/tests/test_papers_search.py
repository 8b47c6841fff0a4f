"""“Giấy tờ của tôi” and the document slot's picker: a search that ignores Vietnamese diacritics, pages instead of a
cut-off, one entry per identical content (with the dossiers it served), hiding and reusing such an entry; never
another person's paper; a bounded number of queries whatever the number of papers."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest
from django.db.models import Value
from django.test import Client
from django.urls import reverse

from dvctt.common.errors import NotFoundError
from dvctt.common.text import fold
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier, DossierFile, HiddenPaper
from dvctt.dossiers.selectors_papers import (
    Folded,
    paper_dossier_codes,
    paper_get_for_user,
    papers_of,
)
from dvctt.dossiers.tests.conftest import pdf_upload, submission, vn
from dvctt.portal.models import ApplicationDraft, DraftFile
from dvctt.portal.tests.test_apply import DETAILS

pytestmark = pytest.mark.django_db

BIRTH = b"%PDF-1.4\nthe birth certificate scan\n%%EOF\n"


def _pdf(text: str) -> bytes:
    return b"%PDF-1.4\n" + text.encode() + b"\n%%EOF\n"


def _submit(citizen: Any, unit: Any, papers: list[tuple[str, bytes]], *, day: int = 3) -> Dossier:
    """One dossier of the citizen holding the given (name, bytes) papers."""
    return services.dossier_submit(
        actor=citizen,
        submission=submission(
            unit,
            components=[
                services.ComponentUpload(name, pdf_upload(f"tep-{i}.pdf", content))
                for i, (name, content) in enumerate(papers)
            ],
        ),
        at=vn(2025, 3, day, 8, 30),
    )


def _draft(client: Client) -> ApplicationDraft:
    response = client.get(reverse("portal:apply", args=["1.001193"]))
    assert response.status_code == 302
    return ApplicationDraft.objects.get(pk=int(response["Location"].split("/")[2]))


def _ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-paper="(\d+)"', html)]


# --- folding in the database --------------------------------------------------------------------------------------


def test_the_database_folds_every_vietnamese_letter_as_fold_does(citizen: Any) -> None:
    # Every letter of the alphabet with every tone, both cases, composed (NFC) and decomposed (NFD)
    vowels = "aăâeêioôơuưy"
    tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
    letters = [unicodedata.normalize("NFC", v + t) for v in vowels + vowels.upper() for t in tones] + [
        "đ",
        "Đ",
    ]
    text = " ".join(letters) + " Giấy Khai Sinh"
    for form in ("NFC", "NFD"):
        sample = unicodedata.normalize(form, text)
        folded = (
            type(citizen)
            .objects.filter(pk=citizen.pk)
            .annotate(f=Folded(Value(sample)))
            .values_list("f", flat=True)
        )
        assert folded.get() == fold(sample), form


# --- search ------------------------------------------------------------------------------------------------------


def test_search_ignores_diacritics_and_case_over_name_procedure_and_code(
    client: Client, online_procedure: Any, unit: Any, citizen: Any
) -> None:
    dossier = _submit(
        citizen,
        unit,
        [("Giấy khai sinh", BIRTH), ("Sổ hộ khẩu", _pdf("ho khau")), ("Đơn đề nghị", _pdf("don"))],
    )
    birth = dossier.files.get(name="Giấy khai sinh")
    # Without diacritics, in capitals, with diacritics: the same paper
    for query in ("giay khai sinh", "GIAY KHAI", "Giấy khai sinh", "  khai   giấy "):
        assert list(papers_of(citizen, query=query)) == [birth], query
    # "đ" is "d"; a word of the dossier's procedure ("Đăng ký khai sinh") finds all of its papers
    assert [p.name for p in papers_of(citizen, query="don de nghi")] == ["Đơn đề nghị"]
    assert papers_of(citizen, query="dang ky").count() == 3
    # The dossier's code too; every word must match somewhere
    assert papers_of(citizen, query=dossier.code.lower()).count() == 3
    assert list(papers_of(citizen, query="giay ho khau")) == []
    # the name's words and the procedure's never mix
    assert list(papers_of(citizen, query="giay dang ky")) == []
    assert list(papers_of(citizen, query="0%1")) == []  # a LIKE wildcard is a plain character
    # Over HTTP, a GET form on "Giấy tờ của tôi"
    client.force_login(citizen)
    html = client.get(reverse("portal:my_papers"), {"q": "giay khai sinh"}).content.decode()
    assert _ids(html) == [birth.pk]
    assert 'name="q"' in html and 'value="giay khai sinh"' in html
    assert "1 giấy tờ khớp với “giay khai sinh”" in html
    html = client.get(reverse("portal:my_papers"), {"q": "khong co"}).content.decode()
    assert _ids(html) == [] and "Không có giấy tờ nào khớp với từ khóa." in html


def test_another_citizens_papers_never_appear(
    client: Client, online_procedure: Any, unit: Any, citizen: Any, other_citizen: Any
) -> None:
    mine = _submit(citizen, unit, [("Giấy khai sinh", BIRTH)]).files.get()
    # The other citizen uploaded the very same bytes: their own paper, never collapsed with mine
    theirs = _submit(other_citizen, unit, [("Giấy khai sinh", BIRTH)]).files.get()
    assert list(papers_of(citizen, query="khai sinh")) == [mine]
    assert list(papers_of(other_citizen, query="khai sinh")) == [theirs]
    assert papers_of(citizen).get().dossier_count == 1
    assert paper_dossier_codes(user=citizen, papers=[mine]) == {mine.pk: [mine.dossier.code]}
    client.force_login(other_citizen)
    html = client.get(reverse("portal:my_papers"), {"q": "khai sinh"}).content.decode()
    assert _ids(html) == [theirs.pk] and mine.dossier.code not in html
    # Another citizen's draft has no picker for them
    client.force_login(citizen)
    draft = _draft(client)
    client.force_login(other_citizen)
    assert client.get(reverse("portal:draft_paper_pick", args=[draft.pk, 1])).status_code == 404
    # Hiding another person's paper: refused
    with pytest.raises(NotFoundError):
        services.paper_hide(actor=other_citizen, paper_id=mine.pk)


# --- paging ------------------------------------------------------------------------------------------------------


def test_pages_instead_of_a_cut_off_with_bounded_queries(
    client: Client, online_procedure: Any, unit: Any, citizen: Any, django_assert_max_num_queries: Any
) -> None:
    def page_queries(url: str, params: dict[str, str]) -> str:
        with django_assert_max_num_queries(9):
            response = client.get(url, params)
        assert response.status_code == 200
        return response.content.decode()

    client.force_login(citizen)
    draft = _draft(client)
    pick = reverse("portal:draft_paper_pick", args=[draft.pk, 2])
    # A few papers, then many: the same number of queries per page
    _submit(citizen, unit, [(f"Giấy khai sinh bản {i}", _pdf(f"ks {i}")) for i in range(3)])
    page_queries(reverse("portal:my_papers"), {})
    page_queries(pick, {"q": "giay khai sinh"})
    _submit(citizen, unit, [(f"Giấy khai sinh bản {i}", _pdf(f"ks {i}")) for i in range(3, 45)], day=4)
    _submit(citizen, unit, [("Sổ hộ khẩu", _pdf("ho khau"))], day=5)
    html = page_queries(reverse("portal:my_papers"), {"q": "giay khai sinh"})
    first = _ids(html)
    assert len(first) == 20 and "45 giấy tờ khớp" in html and "Trang 1/3" in html
    more = re.search(r'<a href="([^"]+)" rel="next">Xem thêm giấy tờ</a>', html)
    assert more is not None
    assert more.group(1).replace("&amp;", "&") == reverse("portal:my_papers") + "?q=giay+khai+sinh&trang=2"
    second = _ids(page_queries(reverse("portal:my_papers"), {"q": "giay khai sinh", "trang": "2"}))
    third = _ids(page_queries(reverse("portal:my_papers"), {"q": "giay khai sinh", "trang": "3"}))
    assert len(second) == 20 and len(third) == 5
    # Every matching paper once, newest first across the pages, and nothing else
    expected = list(papers_of(citizen, query="giay khai sinh").values_list("pk", flat=True))
    assert first + second + third == expected and len(set(expected)) == 45
    # A page past the end is the last one; a bad page number is the first
    assert _ids(page_queries(reverse("portal:my_papers"), {"q": "giay khai sinh", "trang": "9"})) == third
    assert _ids(page_queries(reverse("portal:my_papers"), {"q": "giay khai sinh", "trang": "x"})) == first
    # The slot's picker pages the same way; the files step offers the newest 20 and links to the picker
    html = page_queries(pick, {"q": "giay khai sinh", "trang": "3"})
    assert _ids(html) == third and 'rel="prev"' in html and 'rel="next"' not in html
    files = client.get(reverse("portal:draft_files", args=[draft.pk])).content.decode()
    select = re.search(r'<select id="id_paper-2".*?</select>', files, re.S)
    assert select is not None and select.group(0).count('<option value="') == 1 + 20
    assert f'href="{pick}"' in files and "Tìm trong tất cả giấy tờ của tôi" in files


# --- one entry per content ----------------------------------------------------------------------------------------


@pytest.fixture
def copies(online_procedure: Any, unit: Any, citizen: Any) -> list[DossierFile]:
    """The same birth certificate uploaded in three dossiers (under two names), oldest first; another paper."""
    first = _submit(citizen, unit, [("Giấy khai sinh", BIRTH), ("Sổ hộ khẩu", _pdf("ho khau"))], day=3)
    second = _submit(citizen, unit, [("Bản sao giấy khai sinh", BIRTH)], day=4)
    third = _submit(citizen, unit, [("Giấy khai sinh", BIRTH)], day=5)
    return [first.files.get(name="Giấy khai sinh"), second.files.get(), third.files.get()]


def test_identical_files_are_one_entry_with_the_dossiers_they_served(
    client: Client, copies: list[DossierFile], citizen: Any
) -> None:
    newest = copies[-1]
    household = DossierFile.objects.get(name="Sổ hộ khẩu")
    # One entry per content, the newest copy standing for the others, with the number of dossiers
    entries = list(papers_of(citizen))
    assert entries == [newest, household]
    assert [p.dossier_count for p in entries] == [3, 1]
    codes = paper_dossier_codes(user=citizen, papers=entries)
    assert codes[newest.pk] == [c.dossier.code for c in reversed(copies)]
    # Every copy is still one of the citizen's papers (a draft may hold an older copy's id)
    assert paper_get_for_user(user=citizen, paper_id=copies[0].pk) == copies[0]
    assert papers_of(citizen, one_per_content=False).count() == 4
    # A search that matches only an older copy's name shows that copy, still one entry with the count
    older = list(papers_of(citizen, query="ban sao"))
    assert older == [copies[1]] and older[0].dossier_count == 3
    # The page says so and lists the dossiers
    client.force_login(citizen)
    html = client.get(reverse("portal:my_papers")).content.decode()
    assert _ids(html) == [newest.pk, household.pk]
    row = re.search(rf'<tr data-paper="{newest.pk}">.*?</tr>', html, re.S)
    assert row is not None and "đã dùng cho 3 hồ sơ" in row.group(0)
    for copy in copies:
        assert copy.dossier.code in row.group(0)
    # The picker too
    draft = _draft(client)
    pick = client.get(reverse("portal:draft_paper_pick", args=[draft.pk, 2])).content.decode()
    assert _ids(pick) == [newest.pk, household.pk] and "Đã dùng cho 3 hồ sơ" in pick
    files = client.get(reverse("portal:draft_files", args=[draft.pk])).content.decode()
    assert f'<option value="{copies[0].pk}"' not in files
    assert re.search(rf'<option value="{newest.pk}">[^<]*đã dùng cho 3 hồ sơ', files)


def test_hiding_an_entry_hides_all_its_copies(
    client: Client, copies: list[DossierFile], citizen: Any
) -> None:
    newest = copies[-1]
    client.force_login(citizen)
    response = client.post(reverse("portal:my_paper_hide", args=[newest.pk]), {"q": "khai sinh"})
    assert (
        response.status_code == 302 and response["Location"] == reverse("portal:my_papers") + "?q=khai+sinh"
    )
    # No older copy takes its place, in the list or the picker; the hidden list holds one entry
    assert [p.name for p in papers_of(citizen)] == ["Sổ hộ khẩu"]
    assert list(papers_of(citizen, hidden=True)) == [newest]
    assert HiddenPaper.objects.filter(user=citizen).count() == 3
    for copy in copies:
        with pytest.raises(NotFoundError):
            paper_get_for_user(user=citizen, paper_id=copy.pk)
    html = client.get(reverse("portal:my_papers")).content.decode()
    assert "Xem 1 giấy tờ đã ẩn" in html and newest.pk not in _ids(html)
    # Hiding an older copy (a stale page) changes nothing more; showing it again shows the entry
    services.paper_hide(actor=citizen, paper_id=copies[0].pk)
    assert HiddenPaper.objects.filter(user=citizen).count() == 3
    client.post(reverse("portal:my_paper_unhide", args=[newest.pk]))
    assert list(papers_of(citizen)) == [newest, DossierFile.objects.get(name="Sổ hộ khẩu")]
    assert not HiddenPaper.objects.exists()


def test_reusing_a_collapsed_entry_from_the_picker_attaches_the_representatives_bytes(
    client: Client, copies: list[DossierFile], citizen: Any
) -> None:
    newest = copies[-1]
    client.force_login(citizen)
    draft = _draft(client)
    assert (
        client.post(
            reverse("portal:draft_details", args=[draft.pk]),
            DETAILS,
        ).status_code
        == 302
    )
    # The citizen searches the slot's picker without diacritics and chooses the entry
    pick = client.get(reverse("portal:draft_paper_pick", args=[draft.pk, 1]), {"q": "giay khai sinh"})
    html = pick.content.decode()
    assert _ids(html) == [newest.pk]
    assert f'action="{reverse("portal:draft_files", args=[draft.pk])}"' in html
    assert f'name="paper-1" value="{newest.pk}"' in html
    response = client.post(
        reverse("portal:draft_files", args=[draft.pk]), {"paper-1": str(newest.pk), "action": "save"}
    )
    assert response.status_code == 302
    assert DraftFile.objects.get(draft=draft).source_id == newest.pk
    # Submitted: the new dossier shares the representative's stored bytes
    assert client.post(reverse("portal:draft_review", args=[draft.pk])).status_code == 302
    attached = DossierFile.objects.get(reused_from__isnull=False)
    assert attached.reused_from_id == newest.pk and attached.file.name == newest.file.name
    with attached.file.open("rb") as handle:
        assert handle.read() == BIRTH
    # Still one entry, now used by four dossiers (the reuse counts), the reused copy not an entry of its own
    entry = papers_of(citizen, query="giay khai sinh").get()
    assert entry == newest and entry.dossier_count == 4
    assert paper_dossier_codes(user=citizen, papers=[entry])[entry.pk][0] == attached.dossier.code


def test_the_picker_of_an_unknown_slot_or_a_submitted_draft_is_not_found(
    client: Client, online_procedure: Any, citizen: Any
) -> None:
    client.force_login(citizen)
    draft = _draft(client)
    assert client.get(reverse("portal:draft_paper_pick", args=[draft.pk, 1])).status_code == 200
    assert client.get(reverse("portal:draft_paper_pick", args=[draft.pk, 99])).status_code == 404
    assert client.get(reverse("portal:draft_paper_pick", args=[999999, 1])).status_code == 404
    client.logout()
    response = client.get(reverse("portal:draft_paper_pick", args=[draft.pk, 1]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
