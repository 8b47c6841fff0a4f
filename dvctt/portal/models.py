"""What the citizen portal keeps of its own: application drafts (resumable, on the server). Complaints (PAKN) are
``dvctt.complaints``.

A draft belongs to one applicant and one procedure; it holds the e-form data as typed (not yet valid) and the
component files uploaded one by one, so a lost connection loses at most the file being sent. Submitting a draft
turns it into a dossier through ``dossier_submit`` with a client key derived from the draft: a double click or a
retry yields one dossier.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ApplicationDraft(models.Model):
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nộp"), on_delete=models.CASCADE, related_name="drafts"
    )
    procedure_code = models.CharField(_("mã thủ tục"), max_length=40)
    procedure_name = models.CharField(_("tên thủ tục"), max_length=500)
    unit_code = models.CharField(_("đơn vị tiếp nhận"), max_length=40, blank=True)
    # What the applicant typed, as typed: a draft may be incomplete; validation happens on each step and on submit.
    applicant_data = models.JSONField(_("thông tin người nộp"), default=dict, blank=True)
    form_data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    # The dossier client key is derived from this token: one draft, one dossier, however many retries.
    token = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    dossier_code = models.CharField(_("mã hồ sơ đã nộp"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ nháp")
        verbose_name_plural = _("hồ sơ nháp")
        ordering = ["-updated_at", "-id"]
        constraints = [
            # One open draft per applicant and procedure: "Nộp hồ sơ" resumes it instead of starting over.
            models.UniqueConstraint(
                fields=["applicant", "procedure_code"],
                condition=Q(submitted_at__isnull=True),
                name="draft_one_open_per_procedure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_code} ({self.applicant_id})"

    @property
    def client_key(self) -> str:
        return f"draft-{self.token.hex}"


def draft_file_upload_to(instance: DraftFile, filename: str) -> str:
    return f"drafts/{instance.draft.token.hex}/{uuid.uuid4().hex[:8]}-{filename}"


class DraftFile(models.Model):
    """One uploaded component file of a draft (checked by type, content and size before it is kept)."""

    draft = models.ForeignKey(ApplicationDraft, on_delete=models.CASCADE, related_name="files")
    component_position = models.PositiveSmallIntegerField(_("thành phần"))
    component_name = models.CharField(_("tên giấy tờ"), max_length=500)
    # Empty for a paper chosen from "Giấy tờ của tôi": then ``source`` holds it (its bytes are the dossier's, so
    # the draft never deletes them) and the submitted dossier references the same bytes.
    file = models.FileField(upload_to=draft_file_upload_to, max_length=255, blank=True)
    source = models.ForeignKey(
        "dossiers.DossierFile",
        verbose_name=_("giấy tờ dùng lại"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp hồ sơ nháp")
        verbose_name_plural = _("tệp hồ sơ nháp")
        ordering = ["draft_id", "component_position", "id"]

    def __str__(self) -> str:
        return self.name
