"""Storage is not transactional: a submission that fails after its uploads were written leaves no file behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db.models.signals import pre_save

from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier, DossierEvent, DossierFile
from dvctt.dossiers.tests.conftest import pdf_upload, submission, vn


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.django_db
def test_a_submission_that_fails_after_its_uploads_removes_them(procedure, unit, citizen, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    components = [
        services.ComponentUpload("Tờ khai", pdf_upload("to-khai.pdf")),
        services.ComponentUpload("Giấy chứng sinh", pdf_upload("giay-chung-sinh.pdf")),
    ]

    def fail(sender: Any, **kwargs: Any) -> None:  # the event, written after both files
        assert len(_files(tmp_path / "media")) == 2  # the uploads are in storage at this point
        raise RuntimeError("the database went away")

    pre_save.connect(fail, sender=DossierEvent, dispatch_uid="test.fail_event")
    try:
        with pytest.raises(RuntimeError):
            services.dossier_submit(
                actor=citizen, submission=submission(unit, components=components), at=vn(2025, 3, 3)
            )
    finally:
        pre_save.disconnect(sender=DossierEvent, dispatch_uid="test.fail_event")

    assert Dossier.objects.count() == DossierFile.objects.count() == 0
    assert _files(tmp_path / "media") == []
    # the next submission stores its files as usual
    components = [services.ComponentUpload("Tờ khai", pdf_upload("to-khai.pdf"))]
    dossier = services.dossier_submit(
        actor=citizen, submission=submission(unit, components=components), at=vn(2025, 3, 3)
    )
    assert [f.name for f in dossier.files.all()] == ["Tờ khai"]
    assert len(_files(tmp_path / "media")) == 1
