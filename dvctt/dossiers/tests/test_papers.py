"""The applicant's stored papers ("Giấy tờ của tôi"): what is listed, hiding, and attaching one to a new dossier
(shared bytes, the original untouched, nobody else's paper ever)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dvctt.common.errors import DomainError, NotFoundError
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier, DossierFile, DossierSequence, HiddenPaper
from dvctt.dossiers.selectors_papers import paper_get_for_user, papers_of
from dvctt.dossiers.tests.conftest import submission, vn

pytestmark = pytest.mark.django_db

RESULT_PDF = b"%PDF-1.7\nresult of the birth registration\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def approved(processing: Any, leader: Any) -> Dossier:
    return services.dossier_approve(
        dossier_id=processing.pk,
        actor=leader,
        results=[
            services.ResultDocument("Giấy khai sinh", SimpleUploadedFile("giay-khai-sinh.pdf", RESULT_PDF))
        ],
        at=vn(2025, 3, 4, 9),
    )


@pytest.fixture
def returned(approved: Dossier, one_stop: Any) -> Dossier:
    return services.dossier_return_result(
        dossier_id=approved.pk, actor=one_stop, method="online", at=vn(2025, 3, 4, 10)
    )


@pytest.fixture
def other_citizen(db) -> Any:
    from dvctt.accounts.models import Role, User

    return User.objects.create_user(
        username="congdan2", password="x-Pass-1234", role=Role.CITIZEN, full_name="Trần Thị Bình"
    )


def _reuse(citizen: Any, unit: Any, paper_id: int, *, name: str = "Tờ khai") -> Dossier:
    reused = [services.ComponentReuse(name=name, paper_id=paper_id)]
    return services.dossier_submit(actor=citizen, submission=replace(submission(unit), reused=reused))


def test_papers_are_own_uploads_and_handed_over_results_only(
    approved: Dossier, citizen: Any, other_citizen: Any, one_stop: Any
) -> None:
    # Given a dossier with an uploaded component and an approved (not yet handed over) result
    component = approved.files.get(kind=DossierFile.Kind.COMPONENT)
    result = approved.files.get(kind=DossierFile.Kind.RESULT)
    # Then the citizen's papers hold the upload only; nobody else has any
    assert list(papers_of(citizen)) == [component]
    assert list(papers_of(other_citizen)) == []
    assert list(papers_of(one_stop)) == []
    with pytest.raises(NotFoundError):
        paper_get_for_user(user=citizen, paper_id=result.pk)
    # When the result is handed over, it is a paper too (newest first)
    services.dossier_return_result(
        dossier_id=approved.pk, actor=one_stop, method="online", at=vn(2025, 3, 4, 10)
    )
    assert list(papers_of(citizen)) == [result, component]


def test_hiding_a_paper_changes_only_the_list(submitted: Dossier, citizen: Any, other_citizen: Any) -> None:
    paper = submitted.files.get()
    before = DossierFile.objects.filter(pk=paper.pk).values().get()
    # When the citizen hides the paper
    services.paper_hide(actor=citizen, paper_id=paper.pk)
    services.paper_hide(actor=citizen, paper_id=paper.pk)  # idempotent
    # Then it leaves the list and the picker, and the dossier's file is exactly as it was
    assert list(papers_of(citizen)) == []
    assert list(papers_of(citizen, hidden=True)) == [paper]
    with pytest.raises(NotFoundError):
        paper_get_for_user(user=citizen, paper_id=paper.pk)
    assert DossierFile.objects.filter(pk=paper.pk).values().get() == before
    assert paper.file.storage.exists(paper.file.name)
    # Another citizen can neither hide nor show it
    with pytest.raises(NotFoundError):
        services.paper_unhide(actor=other_citizen, paper_id=paper.pk)
    # Shown again
    services.paper_unhide(actor=citizen, paper_id=paper.pk)
    assert list(papers_of(citizen)) == [paper]
    assert not HiddenPaper.objects.exists()


def test_a_reused_paper_shares_the_bytes_and_leaves_the_original_untouched(
    returned: Dossier, citizen: Any, unit: Any
) -> None:
    result = returned.files.get(kind=DossierFile.Kind.RESULT)
    before = DossierFile.objects.filter(pk=result.pk).values().get()
    # When the citizen submits a new dossier with the handed-over result as a component
    dossier = _reuse(citizen, unit, result.pk, name="Giấy khai sinh")
    # Then the new dossier has its own row over the same stored bytes, marked as reused
    attached = dossier.files.get()
    assert attached.pk != result.pk
    assert attached.kind == DossierFile.Kind.COMPONENT and attached.name == "Giấy khai sinh"
    assert attached.file.name == result.file.name and attached.sha256 == result.sha256
    assert attached.reused_from_id == result.pk and attached.extra["reused_from_dossier"] == returned.code
    with attached.file.open("rb") as handle:
        assert handle.read() == RESULT_PDF
    assert dossier.digitised
    assert dossier.events.get(action="submit").payload["reused_papers"] == 1
    # And the original is exactly as it was
    assert DossierFile.objects.filter(pk=result.pk).values().get() == before
    # The paper is listed once (the copy is not a new paper); reusing the copy's id is refused
    assert attached not in papers_of(citizen)
    with pytest.raises(NotFoundError):
        _reuse(citizen, unit, attached.pk)


def test_another_citizens_paper_is_refused_and_nothing_is_written(
    submitted: Dossier, other_citizen: Any, unit: Any
) -> None:
    paper = submitted.files.get()
    dossiers, files = Dossier.objects.count(), DossierFile.objects.count()
    sequences = list(DossierSequence.objects.values_list("unit_code", "day", "last"))
    # When another citizen forges the paper's id into their submission
    with pytest.raises(NotFoundError) as refused:
        _reuse(other_citizen, unit, paper.pk)
    # Then a Vietnamese refusal, and no dossier, no file, no code used
    assert refused.value.message == "Không tìm thấy giấy tờ này trong “Giấy tờ của tôi”."
    assert refused.value.code == "paper_not_found"
    assert (Dossier.objects.count(), DossierFile.objects.count()) == (dossiers, files)
    assert list(DossierSequence.objects.values_list("unit_code", "day", "last")) == sequences


def test_officials_cannot_attach_an_applicants_paper(submitted: Dossier, one_stop: Any, unit: Any) -> None:
    paper = submitted.files.get()
    with pytest.raises(NotFoundError):
        services.dossier_submit(
            actor=one_stop,
            submission=replace(
                submission(unit, channel=1),
                reused=[services.ComponentReuse(name="Tờ khai", paper_id=paper.pk)],
            ),
        )


def test_the_national_record_says_the_paper_was_reused(returned: Dossier, citizen: Any, unit: Any) -> None:
    from dvctt.integrations.national_portal.record import dossier_record

    result = returned.files.get(kind=DossierFile.Kind.RESULT)
    dossier = _reuse(citizen, unit, result.pk, name="Giấy khai sinh")
    record = dossier_record(dossier)
    assert [item["DuocTaiSuDung"] for item in record["TaiLieuNop"]] == [1]
    original = dossier_record(Dossier.objects.get(pk=returned.pk))
    assert {item["DuocTaiSuDung"] for item in original["TaiLieuNop"]} == {0}


def test_a_paper_whose_bytes_are_gone_is_refused(submitted: Dossier, citizen: Any, unit: Any) -> None:
    paper = submitted.files.get()
    paper.file.storage.delete(paper.file.name)
    count = Dossier.objects.count()
    with pytest.raises(DomainError) as refused:
        _reuse(citizen, unit, paper.pk)
    assert refused.value.code == "paper_missing" and "không còn được lưu" in refused.value.message
    assert Dossier.objects.count() == count
