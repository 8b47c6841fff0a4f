"""The national index's default configuration, built from the indicator registry (domain.md §7).

The registry carries each computable indicator's Decision 766 number, points P and threshold T; the number's
first digit is its group. Group maxima are the index's own (100 points in all). The database holds versions
of this (``IndexConfig``); this default seeds the first version and serves when none is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dvctt.monitoring.indicators import BY_CODE, CURRENT_VERSION, INDICATORS, NATIONAL_INDEX, Indicator
from dvctt.plans.models import IndexGroup
from dvctt.plans.scores import IndexConfigData, IndexItemData

GROUP_POINTS: dict[str, Decimal] = {
    IndexGroup.TRANSPARENCY: Decimal(18),
    IndexGroup.PROGRESS: Decimal(20),
    IndexGroup.ONLINE: Decimal(22),
    IndexGroup.DIGITISATION: Decimal(22),
    IndexGroup.SATISFACTION: Decimal(18),
}
GROUP_BY_DIGIT: dict[str, str] = {
    "1": IndexGroup.TRANSPARENCY,
    "2": IndexGroup.PROGRESS,
    "3": IndexGroup.ONLINE,
    "4": IndexGroup.DIGITISATION,
    "5": IndexGroup.SATISFACTION,
}


def group_of(ref: str) -> str:
    return GROUP_BY_DIGIT[ref.split(".", 1)[0]]


def default_index_config() -> IndexConfigData:
    return IndexConfigData(
        version=CURRENT_VERSION,
        group_points={str(group): points for group, points in GROUP_POINTS.items()},
        items=tuple(
            IndexItemData(
                group=str(group_of(indicator.index_ref)),
                indicator=indicator.code,
                points=indicator.points,
                threshold=indicator.threshold,
                ref=indicator.index_ref,
            )
            for indicator in INDICATORS
            if indicator.points is not None and indicator.index_ref
        ),
    )


# The whole index (configuration 2026.12) -------------------------------------------------------------------------
#
# Every indicator that Decision 766 names (spec/national-portal.md §5), each either computed from the platform's
# data (the KPI engine's figures, or ``plans.index_figures`` for those the engine has no figure for) or listed as
# not computable with the reason. Points: the public reimplementations' where known (domain.md §7; 1.1 = 4 and
# 5.4 = 6 are the spec's); the rest of each group's maximum is shared equally among its other indicators and is
# **unconfirmed** (2.1 already holds all 20 points of group 2, so 2.2 has none). Version 2025.1 above is unchanged.

FULL_VERSION = "2026.12"
FULL_VALID_FROM = date(2026, 1, 1)

#: Indicators of the index that the monitoring registry has no figure for, computed by ``plans.index_figures``.
INDEX_ONLY: dict[str, Indicator] = {
    i.code: i
    for i in (
        Indicator(
            code="online_offered_rate",
            group=NATIONAL_INDEX,
            name=_("Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến"),
            formula=_(
                "TTHC cung cấp trực tuyến (một phần hoặc toàn trình) / TTHC thuộc thẩm quyền (danh mục ngày cuối kỳ)"
            ),
            numerator=_("TTHC hiệu lực ngày cuối kỳ có mức độ 3 hoặc 4"),
            denominator=_("TTHC hiệu lực ngày cuối kỳ (của đơn vị: TTHC ghi đơn vị là cơ quan thực hiện)"),
            version=FULL_VERSION,
            catalogue=True,
            index_ref="3.1",
        ),
        Indicator(
            code="online_submission_rate",
            group=NATIONAL_INDEX,
            name=_("Tỷ lệ hồ sơ nộp trực tuyến"),
            formula=_(
                "Hồ sơ nộp trực tuyến (kết quả là giấy tờ thì phải có kết quả điện tử) / hồ sơ tiếp nhận trong kỳ"
            ),
            numerator=_(
                "Hồ sơ tiếp nhận trong kỳ, nộp trực tuyến, trừ hồ sơ của TTHC có kết quả là giấy tờ mà không có "
                "kết quả điện tử"
            ),
            denominator=_("Hồ sơ tiếp nhận trong kỳ"),
            version=FULL_VERSION,
            index_ref="3.3",
        ),
        Indicator(
            code="fee_procedures_online_rate",
            group=NATIONAL_INDEX,
            name=_("Tỷ lệ TTHC có phí, lệ phí được thanh toán trực tuyến"),
            formula=_("TTHC có phí, lệ phí cung cấp trực tuyến (thanh toán qua cổng) / TTHC có phí, lệ phí"),
            numerator=_("TTHC hiệu lực ngày cuối kỳ có phí, lệ phí và mức độ 3 hoặc 4"),
            denominator=_("TTHC hiệu lực ngày cuối kỳ có phí, lệ phí"),
            version=FULL_VERSION,
            catalogue=True,
            index_ref="3.4",
        ),
        Indicator(
            code="data_reuse_rate",
            group=NATIONAL_INDEX,
            name=_("Tỷ lệ hồ sơ tái sử dụng dữ liệu số hóa"),
            formula=_("Hồ sơ có thành phần lấy từ kho dữ liệu số hóa / hồ sơ tiếp nhận trong kỳ"),
            numerator=_(
                "Hồ sơ tiếp nhận trong kỳ có ít nhất một giấy tờ được lấy lại từ kho (DuocLayTuKhoDMQG) hoặc "
                "dùng lại từ “Giấy tờ của tôi” (DuocTaiSuDung)"
            ),
            denominator=_("Hồ sơ tiếp nhận trong kỳ"),
            version=FULL_VERSION,
            index_ref="4.3",
        ),
        Indicator(
            code="complaint_on_time_rate",
            group=NATIONAL_INDEX,
            name=_("Tỷ lệ phản ánh, kiến nghị được trả lời đúng hạn"),
            formula=_("(PAKN phải trả lời − PAKN trễ hạn) / PAKN phải trả lời; hạn 15 ngày làm việc"),
            numerator=_("PAKN phải trả lời trong kỳ không trễ hạn"),
            denominator=_("PAKN tiếp nhận trước cuối kỳ, chưa được trả lời trước đầu kỳ"),
            version=FULL_VERSION,
            index_ref="5.2",
        ),
        Indicator(
            code="complaint_satisfaction_rate",
            group=NATIONAL_INDEX,
            name=_("Mức độ hài lòng về giải quyết phản ánh, kiến nghị"),
            formula=_("Đánh giá rất hài lòng hoặc hài lòng / đánh giá câu trả lời PAKN trong kỳ"),
            numerator=_("Câu trả lời PAKN được đánh giá trong kỳ là rất hài lòng hoặc hài lòng"),
            denominator=_("Câu trả lời PAKN được đánh giá trong kỳ"),
            version=FULL_VERSION,
            index_ref="5.3",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class NotComputable:
    ref: str
    code: str
    name: str | Promise
    reason: str | Promise


NOT_COMPUTABLE: dict[str, NotComputable] = {
    n.code: n
    for n in (
        NotComputable(
            "1.1",
            "published_on_time",
            _("Công bố, công khai TTHC đúng hạn"),
            _(
                "cần ngày ban hành quyết định công bố và ngày công khai trên CSDL quốc gia về TTHC; danh mục của "
                "hệ thống không lưu hai ngày này"
            ),
        ),
        NotComputable(
            "1.2",
            "updated_on_time",
            _("Cập nhật, điều chỉnh TTHC đúng hạn"),
            _("cần ngày hiệu lực của văn bản sửa đổi và ngày cập nhật trên CSDL quốc gia về TTHC"),
        ),
        NotComputable(
            "1.3",
            "published_complete",
            _("Công khai đầy đủ, chính xác TTHC"),
            _("Cổng DVCQG chấm trên bản ghi TTHC của CSDL quốc gia, không trên danh mục của tỉnh"),
        ),
        NotComputable(
            "2.2",
            "average_processing_time",
            _("Thời gian giải quyết trung bình của TTHC"),
            _("công thức quy đổi thời gian trung bình thành điểm chưa được công bố"),
        ),
        NotComputable(
            "4.4",
            "citizen_store_linked",
            _("Hồ sơ kết nối kho quản lý dữ liệu điện tử của tổ chức, cá nhân"),
            _("kho dữ liệu của người dân nằm trên Cổng DVCQG; hệ thống không nhận được thông tin này"),
        ),
        NotComputable(
            "4.5",
            "population_db_usage",
            _("Khai thác, sử dụng CSDL quốc gia về dân cư"),
            _("hệ thống chưa ghi các CSDL quốc gia đã khai thác cho từng hồ sơ (DSKetNoiCSDL gửi rỗng)"),
        ),
        NotComputable(
            "5.1",
            "complaints_by_category",
            _("Phản ánh, kiến nghị theo nhóm nội dung"),
            _(
                "chấm theo PAKN trên Hệ thống tiếp nhận PAKN quốc gia; cách quy đổi thành điểm chưa được công bố"
            ),
        ),
    )
}


def index_indicator(code: str) -> Indicator | NotComputable | None:
    """The description of an index indicator: the monitoring registry's, the index-only ones, or a not-computable
    entry."""
    return BY_CODE.get(code) or INDEX_ONLY.get(code) or NOT_COMPUTABLE.get(code)


def _item(ref: str, code: str, points: int | str, threshold: str = "1", reason: str = "") -> IndexItemData:
    return IndexItemData(
        group=str(group_of(ref)),
        indicator=code,
        points=Decimal(points),
        threshold=Decimal(threshold),
        ref=ref,
        reason=reason,
    )


def full_index_config() -> IndexConfigData:
    """Configuration 2026.12: every indicator of Decision 766, in force from 1/1/2026 (docs/plans-and-scores.md)."""
    nc = {code: str(n.reason) for code, n in NOT_COMPUTABLE.items()}
    return IndexConfigData(
        version=FULL_VERSION,
        group_points={str(group): points for group, points in GROUP_POINTS.items()},
        items=(
            _item("1.1", "published_on_time", 4, reason=nc["published_on_time"]),
            _item("1.2", "updated_on_time", 4, reason=nc["updated_on_time"]),
            _item("1.3", "published_complete", 4, reason=nc["published_complete"]),
            _item("1.4", "sync_rate", 6),
            _item("2.1", "on_time_rate", 20),
            _item("2.2", "average_processing_time", 0, reason=nc["average_processing_time"]),
            _item("3.1", "online_offered_rate", 4, "0.8"),
            _item("3.2", "services_with_online_dossiers_rate", 4),
            _item("3.3", "online_submission_rate", 4, "0.5"),
            _item("3.4", "fee_procedures_online_rate", 4),
            _item("3.6", "online_payment_rate", 6),
            _item("4.1", "e_result_rate", 6),
            _item("4.2", "digitisation_rate", 4, "0.8"),
            _item("4.3", "data_reuse_rate", 2, "0.8"),
            _item("4.4", "citizen_store_linked", 5, reason=nc["citizen_store_linked"]),
            _item("4.5", "population_db_usage", 5, reason=nc["population_db_usage"]),
            _item("5.1", "complaints_by_category", 4, reason=nc["complaints_by_category"]),
            _item("5.2", "complaint_on_time_rate", 4),
            _item("5.3", "complaint_satisfaction_rate", 4),
            _item("5.4", "satisfaction_rate", 6, "0.9"),
        ),
    )


#: The versions this code carries, by first day of use; the database may hold others (``IndexConfig``). For a
#: period, the version in force on its last day is the one with the latest start, stored or here.
CODE_VERSIONS: tuple[tuple[date, Callable[[], IndexConfigData]], ...] = (
    (date(2022, 1, 1), default_index_config),
    (FULL_VALID_FROM, full_index_config),
)


def code_config_on(on: date) -> tuple[date, IndexConfigData]:
    """The code's version in force on ``on`` and its first day (the oldest one before any)."""
    chosen = CODE_VERSIONS[0]
    for start, build in CODE_VERSIONS:
        if start <= on:
            chosen = (start, build)
    return chosen[0], chosen[1]()
