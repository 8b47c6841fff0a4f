"""The trust list, the per-procedure signing policy, and the verdict kept for each electronic result.

The trust list (``TrustAnchor``) is what an administrator uploads: the root certificates of the Government Cipher
Committee (Ban Cơ yếu Chính phủ) and of the public CAs whose signatures the province accepts. A result's verdict
(``ResultSignatureCheck``) names the trust-list revision it was checked against, so a verdict can be told stale
when the list changes.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrustAnchor(models.Model):
    """A CA certificate trusted as the end of a signer's chain (a root, or an intermediate the province pins)."""

    name = models.CharField(_("tên"), max_length=255)
    certificate = models.TextField(_("chứng thư số (PEM)"))
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    subject = models.CharField(_("chủ thể"), max_length=1000)
    serial = models.CharField(_("số hiệu"), max_length=80)
    valid_from = models.DateTimeField(_("hiệu lực từ"))
    valid_to = models.DateTimeField(_("hiệu lực đến"))
    active = models.BooleanField(_("đang dùng"), default=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chứng thư gốc tin cậy")
        verbose_name_plural = _("danh sách chứng thư gốc tin cậy")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")), name="trust_anchor_valid_range"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SigningPolicy(models.Model):
    """How a procedure's electronic results are signed; a procedure without a row follows the settings' default
    (``DVCTT_SIGNING_ALLOW_UNSIGNED``)."""

    procedure = models.OneToOneField(
        "catalog.Procedure",
        verbose_name=_("thủ tục"),
        on_delete=models.CASCADE,
        related_name="signing_policy",
    )
    allow_unsigned = models.BooleanField(
        _("cho phép trả kết quả chưa ký số hợp lệ"),
        default=False,
        help_text=_("Bỏ chọn: không được trả kết quả điện tử khi chữ ký số chưa được xác thực."),
    )
    server_sign = models.BooleanField(
        _("tự động ký số trên máy chủ"),
        default=False,
        help_text=_("Kết quả chưa ký được ký ngay khi tải lên, bằng khóa của cơ quan cấu hình trên máy chủ."),
    )
    key_code = models.CharField(
        _("mã khóa ký của cơ quan"),
        max_length=40,
        blank=True,
        help_text=_("Khóa trong DVCTT_SIGNING_KEYS; để trống: khóa mang mã đơn vị xử lý hồ sơ."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chính sách ký số kết quả")
        verbose_name_plural = _("chính sách ký số kết quả")

    def __str__(self) -> str:
        return str(self.procedure)


class Verdict(models.TextChoices):
    VALID = "valid", _("Chữ ký số hợp lệ")
    SIGNED_UNTRUSTED = "signed_untrusted", _("Có chữ ký số nhưng chứng thư không được tin cậy")
    SIGNED_INVALID = "signed_invalid", _("Chữ ký số không hợp lệ (tệp đã bị thay đổi sau khi ký)")
    UNSIGNED = "unsigned", _("Chưa ký số")
    ERROR = "error", _("Không kiểm tra được chữ ký số")


class ResultSignatureCheck(models.Model):
    """The verdict on one electronic result file, replaced by each new check (upload, server signing, recheck)."""

    file = models.OneToOneField(
        "dossiers.DossierFile",
        verbose_name=_("tệp kết quả"),
        on_delete=models.CASCADE,
        related_name="signature_check",
    )
    verdict = models.CharField(_("kết luận"), max_length=20, choices=Verdict.choices)
    #: Stable code of the first problem found (``untrusted_root``, ``expired``, ``modified``, ``not_whole_file``...).
    problem = models.CharField(_("mã vấn đề"), max_length=40, blank=True)
    detail = models.CharField(_("chi tiết"), max_length=1000, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=255, blank=True)
    signer_subject = models.CharField(_("chủ thể chứng thư người ký"), max_length=1000, blank=True)
    signer_serial = models.CharField(_("số hiệu chứng thư người ký"), max_length=80, blank=True)
    signed_at = models.DateTimeField(_("thời điểm ký"), null=True, blank=True)
    timestamped = models.BooleanField(_("có dấu thời gian tin cậy"), default=False)
    chain = models.JSONField(_("chuỗi chứng thư"), default=list, blank=True)
    signatures = models.PositiveSmallIntegerField(_("số chữ ký"), default=0)
    whole_file = models.BooleanField(_("chữ ký bao trùm toàn bộ tệp"), default=False)
    sha256 = models.CharField(_("SHA-256 của tệp đã kiểm tra"), max_length=64, blank=True)
    trust_revision = models.CharField(_("phiên bản danh sách tin cậy"), max_length=16, blank=True)
    revocation = models.CharField(_("kiểm tra thu hồi"), max_length=20, blank=True)
    checked_at = models.DateTimeField(_("thời điểm kiểm tra"))

    class Meta:
        verbose_name = _("kết quả kiểm tra chữ ký số")
        verbose_name_plural = _("kết quả kiểm tra chữ ký số")

    def __str__(self) -> str:
        return f"{self.file_id}: {self.verdict}"

    @property
    def is_valid(self) -> bool:
        return self.verdict == Verdict.VALID


class ServerSignature(models.Model):
    """One signing of a result by the platform with an agency key: who asked, which key, the file before."""

    file = models.ForeignKey(
        "dossiers.DossierFile", verbose_name=_("tệp kết quả"), on_delete=models.CASCADE, related_name="+"
    )
    key_code = models.CharField(_("mã khóa ký"), max_length=40)
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("người yêu cầu"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("lúc"))
    signer_subject = models.CharField(_("chứng thư ký"), max_length=1000)
    previous_path = models.CharField(_("tệp trước khi ký"), max_length=255)
    previous_sha256 = models.CharField(_("SHA-256 trước khi ký"), max_length=64)
    sha256 = models.CharField(_("SHA-256 sau khi ký"), max_length=64)

    class Meta:
        verbose_name = _("lần ký số trên máy chủ")
        verbose_name_plural = _("các lần ký số trên máy chủ")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.file_id} · {self.key_code} · {self.at:%d/%m/%Y %H:%M}"
