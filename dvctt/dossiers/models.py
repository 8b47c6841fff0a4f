"""Dossiers (hồ sơ): one application for one procedure by one applicant, and everything that happens to it.

Field names follow the platform's language; the national portal's key for each is given in the comment so that
import, export and the national sync map one to one (spec/interchange.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dvctt.dossiers.states import Channel, PaymentChannel, Status


class ApplicantType(models.IntegerChoices):
    CITIZEN = 1, _("Công dân")
    ORGANISATION = 2, _("Tổ chức, doanh nghiệp")


class SyncState(models.TextChoices):
    PENDING = "pending", _("Chờ đồng bộ")
    SYNCED = "synced", _("Đã đồng bộ")
    FAILED = "failed", _("Đồng bộ lỗi")
    NOT_REQUIRED = "not_required", _("Không đồng bộ")


class Outcome(models.TextChoices):
    NONE = "", _("Chưa có")
    APPROVED = "approved", _("Giải quyết")
    REFUSED = "refused", _("Từ chối giải quyết")


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("Tại bộ phận một cửa")
    ONLINE = "online", _("Trực tuyến")
    POST = "post", _("Qua bưu chính công ích")


class Dossier(models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)  # MaHoSo
    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )  # MaTTHC
    # The version in force at submission (or at receipt for imported records); none when no version was in force.
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        verbose_name=_("phiên bản thủ tục"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    # Indexed by the composite indexes of Meta that start with it (no index of its own: one less to write).
    unit = models.ForeignKey(
        "agencies.Unit",
        verbose_name=_("đơn vị xử lý"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
    )  # DonViXuLy: the competent unit the dossier is counted for
    receiving_unit = models.ForeignKey(
        "agencies.Unit",
        verbose_name=_("đơn vị tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    channel = models.PositiveSmallIntegerField(_("kênh thực hiện"), choices=Channel.choices)  # KenhThucHien
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ đang xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
    )
    assisted = models.BooleanField(_("cán bộ nộp thay"), default=False)
    status = models.PositiveSmallIntegerField(
        _("trạng thái"), choices=Status.choices, default=Status.NEW
    )  # TrangThaiHoSo
    # The status a pause (supplement, financial obligation, withdrawal request) returns to.
    resume_status = models.PositiveSmallIntegerField(null=True, blank=True, choices=Status.choices)
    outcome = models.CharField(_("kết quả giải quyết"), max_length=10, choices=Outcome.choices, blank=True)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản chủ hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,  # dossier_applicant_idx starts with it
    )
    applicant_type = models.PositiveSmallIntegerField(
        _("loại đối tượng"), choices=ApplicantType.choices, null=True, blank=True
    )  # LoaiDoiTuong
    applicant_name = models.CharField(_("chủ hồ sơ"), max_length=255, blank=True)  # ChuHoSo
    applicant_id_number = models.CharField(
        _("số định danh chủ hồ sơ"), max_length=20, blank=True
    )  # SoDinhDanhChuHoSo (indexed in Meta: exact lookups only, no pattern index)
    applicant_phone = models.CharField(_("điện thoại"), max_length=15, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)

    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)  # NgayNopHoSo
    received_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True)  # NgayTiepNhan
    due_at = models.DateTimeField(
        _("ngày hẹn trả"), null=True, blank=True
    )  # NgayHenTra (current appointment)
    first_due_at = models.DateTimeField(_("ngày hẹn trả ban đầu"), null=True, blank=True)
    # The appointment moved by the completed supplement pauses (due_at + Σ answered − requested): the time the
    # unit must beat, consistent with how the late rule judges (spec/indicators.md). Kept by the services.
    effective_due_at = models.DateTimeField(
        _("hạn xử lý (đã tính thời gian tạm dừng)"), null=True, blank=True
    )
    due_calendar_revision = models.PositiveIntegerField(null=True, blank=True)
    ended_at = models.DateTimeField(_("ngày kết thúc xử lý"), null=True, blank=True)  # NgayKetThucXuLy
    returned_at = models.DateTimeField(_("ngày trả kết quả"), null=True, blank=True)  # NgayTra
    return_method = models.CharField(
        _("hình thức trả kết quả"), max_length=10, choices=ReturnMethod.choices, blank=True
    )
    result_uncollected_at = models.DateTimeField(_("ghi nhận không đến nhận kết quả"), null=True, blank=True)
    # Set by the periodic watch (dossier_watch): when the dossier was found due within a working day, or late.
    due_soon_flagged_at = models.DateTimeField(_("cảnh báo sắp đến hạn"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("cảnh báo quá hạn"), null=True, blank=True)

    paid_online = models.PositiveSmallIntegerField(
        _("thanh toán trực tuyến"), choices=PaymentChannel.choices, default=PaymentChannel.NONE
    )  # DuocThanhToanTrucTuyen
    fees = models.JSONField(_("phí, lệ phí"), default=list, blank=True)  # DanhSachLePhi
    fee_total = models.PositiveBigIntegerField(_("tổng phí, lệ phí (đồng)"), default=0)
    digitised = models.BooleanField(_("có thành phần số hóa"), default=False)  # HoSoCoThanhPhanSoHoa
    has_e_result = models.BooleanField(_("có kết quả điện tử"), default=False)
    sync_state = models.CharField(
        _("đồng bộ Cổng DVCQG"), max_length=16, choices=SyncState.choices, default=SyncState.PENDING
    )  # DongBoDVCQG = 1 when synced
    sync_error = models.TextField(blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    has_complaint = models.BooleanField(_("có phản ánh, không hài lòng"), default=False)  # CoPhanAnh
    rating = models.PositiveSmallIntegerField(
        _("đánh giá"),
        null=True,
        blank=True,
        choices=[(3, _("Rất hài lòng")), (2, _("Hài lòng")), (1, _("Không hài lòng"))],
    )  # the national three levels, coded like a complaint's rating
    parent = models.ForeignKey(
        "self",
        verbose_name=_("hồ sơ cha (liên thông)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    parent_code = models.CharField(_("mã hồ sơ cha"), max_length=64, blank=True)  # HoSoCha (indexed in Meta)
    is_test = models.BooleanField(_("hồ sơ thử nghiệm"), default=False)  # HoSoThuNghiem
    form_data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    extra = models.JSONField(default=dict, blank=True)  # interchange keys the platform does not model
    imported = models.BooleanField(default=False)
    client_key = models.CharField(max_length=64, blank=True)
    # Bumped by every change: a form posted against an older version is a conflict, not a lost update.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(received_at__isnull=True)
                | Q(submitted_at__isnull=True)
                | Q(received_at__gte=F("submitted_at")),
                name="dossier_received_after_submitted",
            ),
            models.CheckConstraint(
                condition=Q(due_at__isnull=True)
                | Q(received_at__isnull=True)
                | Q(due_at__gte=F("received_at")),
                name="dossier_due_after_received",
            ),
            models.CheckConstraint(condition=Q(status__gte=1, status__lte=10), name="dossier_status_code"),
            models.CheckConstraint(condition=Q(channel__gte=1, channel__lte=3), name="dossier_channel_code"),
            models.UniqueConstraint(
                fields=["applicant", "client_key"],
                condition=~Q(client_key=""),
                name="dossier_client_key_once",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="dossier_unit_status_idx"),
            models.Index(fields=["unit", "received_at"], name="dossier_unit_received_idx"),
            models.Index(fields=["status", "due_at"], name="dossier_open_due_idx"),
            models.Index(fields=["applicant", "-created_at"], name="dossier_applicant_idx"),
            # Exact lookups only: an explicit index has no varchar_pattern_ops twin on PostgreSQL.
            models.Index(fields=["applicant_id_number"], name="dossier_id_number_idx"),
            models.Index(fields=["parent_code"], name="dossier_parent_code_idx"),
            # The inbox: a unit's open dossiers by the time they must be done.
            models.Index(
                fields=["unit", "effective_due_at"],
                condition=Q(status__in=[1, 2, 4, 5, 6, 7, 9]),
                name="dossier_open_unit_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


class DossierSequence(models.Model):
    """The last number given to one receiving unit's dossiers on one day: codes are gapless and never reused."""

    unit_code = models.CharField(max_length=40)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit_code", "day"], name="dossier_sequence_once")]

    def __str__(self) -> str:
        return f"{self.unit_code} {self.day:%Y-%m-%d}: {self.last}"


class DossierEvent(models.Model):
    """Append-only: one row per transition (and per notable action), written in the transition's transaction."""

    # Indexed by dossier_event_seq_once (dossier, seq).
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events", db_index=False)
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=40)
    from_status = models.PositiveSmallIntegerField(null=True, blank=True, choices=Status.choices)
    to_status = models.PositiveSmallIntegerField(choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=255, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    unit = models.ForeignKey(
        "agencies.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["dossier_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="dossier_event_seq_once")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("dossier events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("dossier events are append-only")


class SupplementRequest(models.Model):
    """A written request for more papers (once per dossier by law; a second one makes the dossier late)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="supplements")
    requested_at = models.DateTimeField()  # NgayYeuCau
    answered_at = models.DateTimeField(null=True, blank=True)  # NgayBoSung
    deadline = models.DateTimeField(null=True, blank=True)
    content = models.TextField(blank=True)
    answer_note = models.TextField(blank=True)
    # The effective appointment when the request was made and the one given when it was answered (the working
    # time left at the request resumes at the answer, on the working calendar); null for guidance before receipt.
    due_before = models.DateTimeField(null=True, blank=True)
    due_after = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["dossier_id", "requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=F("requested_at")),
                name="supplement_answered_after_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} bổ sung {self.requested_at:%d/%m/%Y}"

    @property
    def is_guidance(self) -> bool:
        """Asked before the dossier was received: guidance to complete it (Decree 61, art. 15), not a request
        that pauses the clock or counts towards the one request the law allows (indicators.md, late rules)."""
        received = self.dossier.received_at
        return received is None or self.requested_at < received


class Extension(models.Model):
    """An apology with a new appointment, issued by the unit leader before the appointment in force (drafted by an
    officer or by the leader); both appointments are kept. Whether it is in time is the service's rule (while
    the clock is paused, the pause must have begun before the appointment), not a column comparison."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Dự thảo, chờ lãnh đạo ban hành")
        ISSUED = "issued", _("Đã ban hành")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="extensions")
    state = models.CharField(max_length=10, choices=State.choices, default=State.ISSUED)
    at = models.DateTimeField()
    previous_due_at = models.DateTimeField()
    new_due_at = models.DateTimeField()
    reason = models.TextField()
    # 1 for the dossier's first apology, 2 for the second…: a later one is flagged to the leader.
    sequence = models.PositiveSmallIntegerField(default=1)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["dossier_id", "at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due_at__gt=F("previous_due_at")), name="extension_moves_due_later"
            ),
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(state="draft"), name="extension_one_open_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} hẹn lại {self.new_due_at:%d/%m/%Y}"

    @property
    def repeated(self) -> bool:
        """A second or later apology for the same dossier (flagged to the leader)."""
        return self.sequence > 1


def component_upload_to(instance: DossierFile, filename: str) -> str:
    return f"dossiers/{instance.dossier.code}/{instance.kind}/{filename}"


class DossierFile(models.Model):
    class Kind(models.TextChoices):
        COMPONENT = "component", _("Thành phần hồ sơ")
        RESULT = "result", _("Kết quả giải quyết")
        SUPPLEMENT = "supplement", _("Bổ sung")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(_("tên giấy tờ"), max_length=255)  # TenGiayTo / component name
    file = models.FileField(upload_to=component_upload_to, max_length=255, blank=True)
    url = models.CharField(max_length=500, blank=True)  # DuongDanTepTinKetQua for imported results
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    digitised = models.BooleanField(default=False)  # DuocSoHoa
    reused_from_repository = models.BooleanField(default=False)  # DuocLayTuKhoDMQG
    electronic = models.BooleanField(default=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    extra = models.JSONField(default=dict, blank=True)
    # A paper of the applicant's own store ("Giấy tờ của tôi", services/papers.py) attached again: this row shares
    # the original's stored bytes (same storage name, same checksum; nothing is copied, nothing ever deletes a
    # dossier's file) and points to the original, never to another reuse. Exported as DuocTaiSuDung = 1.
    reused_from = models.ForeignKey(
        "self",
        verbose_name=_("dùng lại giấy tờ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reuses",
    )

    class Meta:
        ordering = ["dossier_id", "kind", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def file_name(self) -> str:
        """The stored file's own name (without its folder), as downloaded."""
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""


class HiddenPaper(models.Model):
    """A paper the applicant hid from "Giấy tờ của tôi" (and from the picker when applying). Only the
    applicant's view changes: the dossier's file stays as it is."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.ForeignKey(DossierFile, on_delete=models.CASCADE, related_name="+")
    hidden_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giấy tờ đã ẩn")
        verbose_name_plural = _("giấy tờ đã ẩn")
        constraints = [models.UniqueConstraint(fields=["user", "file"], name="hidden_paper_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.file_id}"


class Notification(models.Model):
    """A message sent (or to send) about a dossier through one channel; sending is retried by a task."""

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi lỗi")
        SKIPPED = "skipped", _("Không gửi")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="notifications")
    event = models.ForeignKey(DossierEvent, on_delete=models.PROTECT, related_name="notifications")
    channel = models.CharField(max_length=16)
    recipient = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "channel", "recipient"], name="notification_once")
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}: {self.subject}"


class SlipFormKind(models.TextChoices):
    """The papers the one-stop mechanism prints for a dossier (domain.md §4), and the written refusal to grant."""

    RECEIPT = "receipt", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    SUPPLEMENT = "supplement", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    REFUSAL = "refusal", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    APOLOGY = "apology", _("Phiếu xin lỗi")
    STOP = "stop", _("Thông báo dừng xử lý hồ sơ")
    CONTROL = "control", _("Phiếu kiểm soát quá trình giải quyết hồ sơ")
    REGISTER = "register", _("Sổ theo dõi hồ sơ")
    REFUSAL_DECISION = "refusal_decision", _("Văn bản từ chối giải quyết hồ sơ")


class SlipFormSet(models.Model):
    """A set of official forms (a circular's annex) with the days it is in force; kept and confirmed by an
    administrator. A dossier prints the set in force on its receipt date (slips/forms.py)."""

    code = models.CharField(_("mã bộ biểu mẫu"), max_length=20, unique=True)
    circular = models.CharField(
        _("số hiệu văn bản ban hành"), max_length=40, help_text=_("In trên mỗi phiếu, ví dụ 01/2018/TT-VPCP.")
    )
    legal_reference = models.TextField(_("căn cứ pháp lý"), blank=True)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_to = models.DateField(
        _("áp dụng đến hết ngày"), null=True, blank=True, help_text=_("Để trống khi còn hiệu lực.")
    )
    confirmed = models.BooleanField(
        _("đã xác nhận"),
        default=False,
        help_text=_("Số hiệu, ngày hiệu lực và căn cứ đã được đối chiếu với văn bản gốc."),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("thời điểm xác nhận"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bộ biểu mẫu")
        verbose_name_plural = _("bộ biểu mẫu")
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="slip_form_set_valid_to_after_from",
            ),
            models.CheckConstraint(
                condition=Q(confirmed=False) | Q(confirmed_at__isnull=False),
                name="slip_form_set_confirmed_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.circular} ({self.valid_from:%d/%m/%Y})"

    def clean(self) -> None:
        """Two sets in force on the same day would make the printed form a matter of chance."""
        from django.core.exceptions import ValidationError

        if self.valid_from is None or (self.valid_to is not None and self.valid_to < self.valid_from):
            return
        overlapping = SlipFormSet.objects.exclude(pk=self.pk).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from)
        )
        if self.valid_to is not None:
            overlapping = overlapping.filter(valid_from__lte=self.valid_to)
        other = overlapping.first()
        if other is not None:
            raise ValidationError(
                _("Thời gian áp dụng trùng với bộ biểu mẫu %(other)s.") % {"other": other},
                code="overlap",
            )


class SlipForm(models.Model):
    """One form of a set: its number and title as the circular prints them, and its wording.

    ``wording`` is the body of the form as Django template text, rendered in a sandbox (autoescaped, plain data,
    a short list of tags and filters, no includes but the slip partials); empty: the file template
    ``slips/wording/<kind>.html`` is the wording.
    """

    form_set = models.ForeignKey(
        SlipFormSet, verbose_name=_("bộ biểu mẫu"), on_delete=models.CASCADE, related_name="forms"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=SlipFormKind.choices)
    number = models.CharField(
        _("mẫu số"),
        max_length=8,
        blank=True,
        help_text=_("Để trống khi văn bản không là mẫu đánh số của bộ."),
    )
    title = models.CharField(_("tên mẫu"), max_length=255)
    legal_reference = models.CharField(_("căn cứ pháp lý"), max_length=500, blank=True)
    wording = models.TextField(
        _("nội dung mẫu"),
        blank=True,
        help_text=_("Mẫu Django (tự động thoát HTML). Để trống: dùng nội dung mặc định."),
    )
    confirmed = models.BooleanField(_("đã xác nhận"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("thời điểm xác nhận"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mẫu phiếu")
        verbose_name_plural = _("mẫu phiếu")
        ordering = ["form_set", "number", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["form_set", "kind"], name="slip_form_kind_once"),
            models.CheckConstraint(
                condition=Q(confirmed=False) | Q(confirmed_at__isnull=False), name="slip_form_confirmed_when"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or '—'} {self.title}"


class RegisterExport(models.Model):
    """A long tracking register being written to storage as PDF by a background task, for the one who asked.

    ``rows_done`` / ``rows_total`` is the progress the status page polls; the file is served only to
    ``requested_by``, and only while the unit is still in their scope (docs/slips.md, "Long registers").
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ lập")
        RUNNING = "running", _("Đang lập")
        DONE = "done", _("Đã lập xong")
        FAILED = "failed", _("Không lập được")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người yêu cầu"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "agencies.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    language = models.CharField(max_length=10, default="vi")
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(_("số dòng"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("số dòng đã lập"), default=0)
    file = models.FileField(upload_to="registers/%Y/%m/", max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("lúc yêu cầu"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: When the retention job removed the stored PDF (DVCTT_REGISTER_EXPORT_KEEP_DAYS); the row stays.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bản in sổ theo dõi hồ sơ")
        verbose_name_plural = _("bản in sổ theo dõi hồ sơ")
        constraints = [
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="register_export_period_ordered"),
        ]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="register_export_user_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y} ({self.state})"


from dvctt.dossiers.notifications.models import NotificationTemplate  # noqa: E402,F401  (templates as data)
