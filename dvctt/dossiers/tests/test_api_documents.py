"""Documents through the API: a multipart submission with uploads and reused papers, every portal check on them
with nothing written on a refusal, and the applicant's stored papers (list, download), only their own."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from dvctt.accounts.models import Role, User
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier, DossierFile
from dvctt.dossiers.tests.conftest import GOOD_FORM, PDF, pdf_upload, submission, vn

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FIELDS = {
    "procedure_code": "1.001193",
    "unit_code": "000.00.12.H38",
    "channel": 2,
    "applicant_name": "Nguyễn Văn An",
    "applicant_id_number": "020199001234",
}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def other_citizen(db: Any) -> User:
    return User.objects.create_user(
        username="congdan2", password="x-Pass-1234", role=Role.CITIZEN, full_name="Trần Thị Bình"
    )


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def stored_files(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def paper_of(dossier: Dossier) -> DossierFile:
    return dossier.files.get(kind=DossierFile.Kind.COMPONENT)


def multipart(
    *, uploads: list[tuple[str, SimpleUploadedFile]] = (), reused: list[dict] | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {**FIELDS, "form_data": json.dumps(GOOD_FORM, ensure_ascii=False), **extra}
    if uploads:
        body["document_names"] = [name for name, _file in uploads]
        body["documents"] = [upload for _name, upload in uploads]
    if reused is not None:
        body["reused_papers"] = json.dumps(reused, ensure_ascii=False)
    return body


def post(user: User, body: dict[str, Any]) -> Any:
    return client_for(user).post("/api/v1/dossiers/", body, format="multipart")


class TestMultipartSubmission:
    def test_two_uploads_and_a_reused_paper_make_one_dossier_with_three_documents(
        self, submitted, citizen, media
    ):
        paper = paper_of(submitted)
        before = stored_files(media)
        body = multipart(
            uploads=[
                ("Giấy chứng sinh", pdf_upload("giay-chung-sinh.pdf")),
                ("Ảnh CCCD của người đi khai", SimpleUploadedFile("cccd.png", PNG, content_type="image/png")),
            ],
            reused=[{"name": "Tờ khai", "paper_id": paper.pk}],
        )

        response = post(citizen, body)

        assert response.status_code == 201, response.content
        answer = response.json()
        dossier = Dossier.objects.get(code=answer["code"])
        assert dossier.form_data == {"ho_ten_tre": "Nguyễn Văn Bình", "ngay_sinh": "2025-02-01"}
        assert dossier.digitised
        documents = {d["name"]: d for d in answer["documents"]}
        assert set(documents) == {"Giấy chứng sinh", "Ảnh CCCD của người đi khai", "Tờ khai"}
        assert documents["Giấy chứng sinh"]["sha256"] == hashlib.sha256(PDF).hexdigest()
        assert documents["Giấy chứng sinh"]["content_type"] == "application/pdf"
        assert documents["Ảnh CCCD của người đi khai"]["sha256"] == hashlib.sha256(PNG).hexdigest()
        assert documents["Ảnh CCCD của người đi khai"]["size"] == len(PNG)
        assert documents["Tờ khai"]["reused_paper_id"] == paper.pk
        assert documents["Tờ khai"]["sha256"] == paper.sha256
        assert documents["Giấy chứng sinh"]["reused_paper_id"] is None
        # the two uploads are stored with the bytes sent; the reused paper shares the original's bytes
        assert len(stored_files(media)) == len(before) + 2
        for row in dossier.files.all():
            with row.file.open("rb") as handle:
                assert hashlib.sha256(handle.read()).hexdigest() == row.sha256
        assert dossier.files.get(name="Tờ khai").file.name == paper.file.name
        # a fresh read of the dossier lists the same documents
        again = client_for(citizen).get(f"/api/v1/dossiers/{dossier.code}/").json()
        assert again["documents"] == answer["documents"]
        assert dossier.events.get().payload["components"] == 3

    def test_a_json_submission_may_reuse_papers_too(self, submitted, citizen):
        paper = paper_of(submitted)
        response = client_for(citizen).post(
            "/api/v1/dossiers/",
            {**FIELDS, "form_data": GOOD_FORM, "reused_papers": [{"name": "Tờ khai", "paper_id": paper.pk}]},
            format="json",
        )
        assert response.status_code == 201, response.content
        assert [(d["name"], d["reused_paper_id"]) for d in response.json()["documents"]] == [
            ("Tờ khai", paper.pk)
        ]

    def test_a_multipart_submission_without_documents_is_the_json_one(self, procedure, citizen):
        response = post(citizen, multipart())
        assert response.status_code == 201, response.content
        assert response.json()["documents"] == []
        assert response.json()["form_data"] == {"ho_ten_tre": "Nguyễn Văn Bình", "ngay_sinh": "2025-02-01"}


class TestNothingWrittenOnARefusal:
    """Every refusal leaves no dossier, no file row and no file in storage (another good upload included)."""

    def _refused(self, user: User, body: dict[str, Any], media: Path, status: int, code: str) -> dict:
        dossiers, files, stored = Dossier.objects.count(), DossierFile.objects.count(), stored_files(media)
        response = post(user, body)
        assert response.status_code == status, response.content
        error = response.json()["error"]
        assert error["code"] == code
        assert error["message"]
        assert Dossier.objects.count() == dossiers
        assert DossierFile.objects.count() == files
        assert stored_files(media) == stored
        return error

    def test_a_file_whose_content_is_not_its_type(self, procedure, citizen, media):
        fake = SimpleUploadedFile(
            "giay-chung-sinh.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf"
        )
        error = self._refused(
            citizen,
            multipart(uploads=[("Tờ khai", pdf_upload()), ("Giấy chứng sinh", fake)]),
            media,
            400,
            "file_type",
        )
        assert "Giấy chứng sinh" in error["message"]

    def test_a_file_of_a_type_not_allowed(self, procedure, citizen, media):
        script = SimpleUploadedFile("to-khai.html", b"<script>alert(1)</script>", content_type="text/html")
        self._refused(citizen, multipart(uploads=[("Tờ khai", script)]), media, 400, "file_type")

    def test_a_file_too_big(self, procedure, citizen, media, settings):
        settings.DVCTT_MAX_UPLOAD_BYTES = 1024
        big = pdf_upload("to-khai.pdf", PDF + b"0" * 2048)
        error = self._refused(
            citizen,
            multipart(uploads=[("Giấy chứng sinh", pdf_upload()), ("Tờ khai", big)]),
            media,
            400,
            "file_too_big",
        )
        assert "Tờ khai" in error["message"]

    def test_an_empty_file(self, procedure, citizen, media):
        empty = SimpleUploadedFile("to-khai.pdf", b"", content_type="application/pdf")
        self._refused(citizen, multipart(uploads=[("Tờ khai", empty)]), media, 400, "file_empty")

    def test_another_citizens_paper(self, procedure, unit, citizen, other_citizen, media):
        theirs = services.dossier_submit(
            actor=other_citizen,
            submission=submission(unit, components=[services.ComponentUpload("Tờ khai", pdf_upload())]),
            at=vn(2025, 3, 3),
        )
        error = self._refused(
            citizen,
            multipart(
                uploads=[("Giấy chứng sinh", pdf_upload())],
                reused=[{"name": "Tờ khai", "paper_id": paper_of(theirs).pk}],
            ),
            media,
            404,
            "paper_not_found",
        )
        assert "paper" in error["fields"]

    def test_a_hidden_paper(self, submitted, citizen, media):
        paper = paper_of(submitted)
        services.paper_hide(actor=citizen, paper_id=paper.pk)
        self._refused(
            citizen,
            multipart(
                uploads=[("Giấy chứng sinh", pdf_upload())],
                reused=[{"name": "Tờ khai", "paper_id": paper.pk}],
            ),
            media,
            404,
            "paper_not_found",
        )

    def test_an_unknown_paper(self, procedure, citizen, media):
        self._refused(
            citizen, multipart(reused=[{"name": "Tờ khai", "paper_id": 2**40}]), media, 404, "paper_not_found"
        )

    def test_a_file_without_its_name(self, procedure, citizen, media):
        body = multipart(uploads=[("Tờ khai", pdf_upload())])
        body["documents"].append(pdf_upload("giay-chung-sinh.pdf"))
        error = self._refused(citizen, body, media, 400, "invalid")
        assert "document_names" in error["fields"]

    @pytest.mark.parametrize(
        ("part", "value"),
        [
            ("form_data", "{not json"),
            ("form_data", "[" * 100 + "]" * 100),
            ("form_data", json.dumps({"ho_ten_tre": "a\u0000b"})),
            ("reused_papers", '{"name": "Tờ khai"}'),
            ("reused_papers", '[{"name": "Tờ khai", "paper_id": "x"}]'),
        ],
    )
    def test_a_json_text_part_that_is_not_what_it_should_be(self, procedure, citizen, media, part, value):
        error = self._refused(citizen, {**multipart(), part: value}, media, 400, "invalid")
        assert part in error["fields"]


class TestMyPapers:
    def test_the_list_holds_only_the_readers_own_papers(self, submitted, unit, citizen, other_citizen):
        services.dossier_submit(
            actor=other_citizen,
            submission=submission(unit, components=[services.ComponentUpload("Bản sao CCCD", pdf_upload())]),
            at=vn(2025, 3, 3),
        )
        paper = paper_of(submitted)

        body = client_for(citizen).get("/api/v1/papers/").json()

        assert body["count"] == 1
        assert body["results"] == [
            {
                "id": paper.pk,
                "name": "Tờ khai",
                "kind": "component",
                "file_name": paper.file_name,
                "content_type": "application/pdf",
                "size": len(PDF),
                "sha256": hashlib.sha256(PDF).hexdigest(),
                "dossier_code": submitted.code,
                "uploaded_at": body["results"][0]["uploaded_at"],
                "hidden": False,
            }
        ]
        assert client_for(other_citizen).get("/api/v1/papers/").json()["results"][0]["name"] == "Bản sao CCCD"

    def test_a_reused_paper_is_listed_once(self, submitted, citizen):
        paper = paper_of(submitted)
        reuse = [{"name": "Tờ khai", "paper_id": paper.pk}]
        assert post(citizen, multipart(reused=reuse)).status_code == 201
        assert [p["id"] for p in client_for(citizen).get("/api/v1/papers/").json()["results"]] == [paper.pk]

    def test_hidden_papers_only_on_request(self, submitted, citizen):
        paper = paper_of(submitted)
        services.paper_hide(actor=citizen, paper_id=paper.pk)
        client = client_for(citizen)
        assert client.get("/api/v1/papers/").json()["results"] == []
        listed = client.get("/api/v1/papers/?hidden=1").json()["results"]
        assert [(p["id"], p["hidden"]) for p in listed] == [(paper.pk, True)]
        assert client.get("/api/v1/papers/?hidden=maybe").status_code == 400

    def test_an_official_has_no_papers(self, submitted, one_stop):
        assert client_for(one_stop).get("/api/v1/papers/").json()["results"] == []

    def test_the_owner_downloads_a_paper_and_nobody_else(self, submitted, citizen, other_citizen, one_stop):
        paper = paper_of(submitted)
        url = f"/api/v1/papers/{paper.pk}/file/"

        response = client_for(citizen).get(url, HTTP_ACCEPT="application/pdf")

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert paper.file_name in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == PDF
        for stranger in (other_citizen, one_stop):
            refused = client_for(stranger).get(url, HTTP_ACCEPT="application/pdf")
            assert refused.status_code == 404
            assert refused.json()["error"]["code"] == "paper_not_found"
        assert APIClient().get(url).status_code == 403

    def test_a_hidden_paper_still_downloads_for_its_owner(self, submitted, citizen):
        paper = paper_of(submitted)
        services.paper_hide(actor=citizen, paper_id=paper.pk)
        response = client_for(citizen).get(f"/api/v1/papers/{paper.pk}/file/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF


class TestJSONTextParts:
    """The e-form and the reused papers as JSON text parts of a multipart submission: held to the limits the
    request guard puts on a JSON body (the guard does not read the parts of a form)."""

    @pytest.mark.parametrize(
        ("form_data", "message"),
        [
            ("[" * 200 + "]" * 200, "lồng nhau quá"),  # deeper than DVCTT_JSON_MAX_DEPTH
            ("[" * 100_000 + "]" * 100_000, "lồng nhau quá"),  # deeper than Python's reader can go
            ('{"ho_ten_tre": "An\\u0000"}', "NUL"),
            ("{not json", "JSON hợp lệ"),
        ],
    )
    def test_a_form_part_beyond_the_limits_is_refused_with_nothing_written(
        self, procedure, citizen, media, form_data, message
    ):
        dossiers, stored = Dossier.objects.count(), stored_files(media)
        response = post(citizen, multipart(uploads=[("Tờ khai", pdf_upload())], form_data=form_data))
        assert response.status_code == 400, response.content
        assert message in response.json()["error"]["fields"]["form_data"][0]
        assert Dossier.objects.count() == dossiers and stored_files(media) == stored
