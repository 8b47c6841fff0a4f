"""Accounts: citizens, business representatives and officials, each with one role."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dvctt.common.masking import mask_id


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Đại diện tổ chức, doanh nghiệp")
    ONE_STOP_OFFICER = "one_stop_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    UNIT_LEADER = "unit_leader", _("Lãnh đạo đơn vị")
    MONITOR = "monitor", _("Cán bộ theo dõi kế hoạch")
    PPC_LEADER = "ppc_leader", _("Lãnh đạo UBND tỉnh")
    ADMIN = "admin", _("Quản trị hệ thống")


#: Roles whose holder works inside one unit and must have it.
UNIT_ROLES = frozenset({Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.UNIT_LEADER})
#: Roles held by officials (cán bộ, công chức, viên chức): the plan counts their use of online services.
OFFICIAL_ROLES = frozenset(UNIT_ROLES | {Role.MONITOR, Role.PPC_LEADER, Role.ADMIN})
#: Roles that see the whole province.
PROVINCE_ROLES = frozenset({Role.MONITOR, Role.PPC_LEADER, Role.ADMIN})


#: A personal identification number (số định danh cá nhân, the number on the chip ID card): 12 digits.
national_id_validator = RegexValidator(
    r"^[0-9]{12}$", _("Số định danh cá nhân phải gồm đúng 12 chữ số."), code="national_id"
)
#: A tax code: 10 digits, or 10 digits, a hyphen and 3 digits for a branch.
tax_code_validator = RegexValidator(
    r"^[0-9]{10}(-[0-9]{3})?$",
    _("Mã số thuế phải gồm 10 chữ số (hoặc 10 chữ số, dấu '-' và 3 chữ số)."),
    code="tax_code",
)


class User(AbstractUser):
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    full_name = models.CharField(_("họ và tên"), max_length=255, blank=True)
    unit = models.ForeignKey(
        "agencies.Unit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    national_id = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        blank=True,
        db_index=True,
        validators=[national_id_validator],
    )
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    organisation_name = models.CharField(_("tên tổ chức"), max_length=255, blank=True)
    tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True, validators=[tax_code_validator])

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in UNIT_ROLES)) | Q(unit__isnull=False),
                name="user_unit_role_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_official(self) -> bool:
        return self.role in OFFICIAL_ROLES

    @property
    def sees_province(self) -> bool:
        return self.role in PROVINCE_ROLES or self.is_superuser

    @property
    def masked_national_id(self) -> str:
        return mask_id(self.national_id)


class Official(models.Model):
    """A post held by an official (cán bộ, công chức) in a unit over a period: the personnel roster.

    The plan counts how many officials use online services themselves (officials.jsonl); the roster is joined
    with online dossiers by ``national_id`` = the applicant's identification number. One person may hold
    several posts (units or periods), so the key is (national_id, unit, valid_from).
    """

    national_id = models.CharField(_("số định danh cá nhân"), max_length=12, db_index=True)  # SoDinhDanh
    full_name = models.CharField(_("họ và tên"), max_length=255, blank=True)  # HoTen
    unit = models.ForeignKey(
        "agencies.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="officials"
    )  # MaDonVi
    valid_from = models.DateField(_("giữ chức vụ từ"))  # HieuLucTu
    valid_to = models.DateField(_("giữ chức vụ đến"), null=True, blank=True)  # HieuLucDen
    # Keys of the interchange format that the platform does not model are kept, not lost.
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("cán bộ, công chức")
        verbose_name_plural = _("danh sách cán bộ, công chức")
        ordering = ["unit_id", "national_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["national_id", "unit", "valid_from"], name="official_post_once"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="official_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name or mask_id(self.national_id)} ({self.valid_from:%d/%m/%Y})"


class NationalAccountType(models.IntegerChoices):
    """``LoaiTaiKhoan`` of the national identity service."""

    CITIZEN = 1, _("Công dân")
    BUSINESS = 2, _("Tổ chức, doanh nghiệp")


class NationalIdentity(models.Model):
    """The national account (DVCQG / VNeID) an account is linked to, with what the identity vouches for.

    One link per account and per national account (``tech_id`` unique): two local accounts can never share a
    national identity, and a link is only made by signing in through the national service (a new account) or,
    for an existing local account, after proving its password too (``linked_by_password``). The identity fields
    are the ones the national service returned at the last sign-in: they are verified, the forms show them
    read-only.
    """

    user = models.OneToOneField(
        User, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="national_identity"
    )
    tech_id = models.CharField(_("mã định danh tài khoản quốc gia"), max_length=255, unique=True)  # TechID
    subject = models.CharField(_("mã chủ thể (sub)"), max_length=255)  # sub
    account_type = models.PositiveSmallIntegerField(
        _("loại tài khoản"), choices=NationalAccountType.choices, default=NationalAccountType.CITIZEN
    )  # LoaiTaiKhoan
    full_name = models.CharField(_("họ và tên"), max_length=255, blank=True)  # HoVaTen
    id_number = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)  # SoDinhDanh
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)  # NgayThangNamSinh
    gender = models.CharField(_("giới tính"), max_length=20, blank=True)  # GioiTinh
    address = models.CharField(_("nơi thường trú"), max_length=500, blank=True)  # ThuongTru
    tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True)  # MaSoThue / MaSoDoanhNghiep
    organisation_name = models.CharField(_("tên tổ chức"), max_length=255, blank=True)  # TenDoanhNghiep
    level = models.CharField(_("mức độ xác thực"), max_length=20, blank=True)  # loAs / IAL / acr
    linked_by_password = models.BooleanField(_("liên kết tài khoản có sẵn"), default=False)
    linked_at = models.DateTimeField(_("liên kết lúc"), auto_now_add=True)
    verified_at = models.DateTimeField(_("xác thực lần cuối lúc"))

    class Meta:
        verbose_name = _("tài khoản định danh quốc gia")
        verbose_name_plural = _("tài khoản định danh quốc gia")

    def __str__(self) -> str:
        return f"{self.full_name or self.organisation_name} ({mask_id(self.id_number)})"


class AccountSession(AbstractBaseSession):
    """A signed-in browser's session (Django's database session) with the account it belongs to in a column of its
    own: a request reads its session and its account (with the national identity link) in one query
    (dvctt/accounts/sessions.py), and an account's sessions are found, or ended, by that column. Anonymous
    sessions (the language, a CSRF-protected form) have none."""

    account = models.ForeignKey(
        User,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        # No constraint in the database: a session saved while its account is being deleted (the deletion ends
        # the account's sessions, in Python) must not fail the request; a row naming no account is anonymous.
        db_constraint=False,
    )

    class Meta(AbstractBaseSession.Meta):  # type: ignore[name-defined]
        verbose_name = _("phiên đăng nhập")
        verbose_name_plural = _("phiên đăng nhập")

    @classmethod
    def get_session_store_class(cls) -> type[SessionBase]:
        from dvctt.accounts.sessions import SessionStore

        return SessionStore
