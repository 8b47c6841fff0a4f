"""The indicator registry: every number the platform shows, as data (code, Vietnamese name, formula text,
numerator and denominator, version, and for the national index its points and threshold).

The exact definitions are spec/indicators.md; the reference engine (``reference.py``) computes them. A change
of formula is a new ``version``, never an edit of an old one: stored figures name the version they used.
Points and thresholds of the national index (Decision 766, domain.md §7) come from public reimplementations
of the national dashboard and may be revised, hence configuration here, not code in the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CURRENT_VERSION = "2025.1"

PLAN = "plan"
NATIONAL_INDEX = "national_index"
#: Figures the platform adds beside the plan's, outside spec/indicators.md: never in the KPI Output object
#: (``CODES``), so the spec's expected results do not move; shown on the dashboards with a target.
PLATFORM = "platform"


@dataclass(frozen=True, slots=True)
class Indicator:
    code: str
    group: str  # PLAN or NATIONAL_INDEX
    name: str | Promise
    formula: str | Promise  # shown beside every number
    numerator: str | Promise
    denominator: str | Promise
    version: str = CURRENT_VERSION
    catalogue: bool = False  # counts procedures of the catalogue on `to`; the province counts each once
    plan_target: Decimal | None = None  # the province target of Plan 165/KH-UBND, as a ratio
    index_ref: str | None = None  # the indicator's number in Decision 766
    points: Decimal | None = None  # maximum points P in the national index
    threshold: Decimal = Decimal(1)  # T; 1 where the index sets none


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="online_dossier_rate",
        group=PLAN,
        name=_("Tỷ lệ hồ sơ trực tuyến"),
        formula=_("Hồ sơ tiếp nhận trực tuyến trong kỳ / hồ sơ tiếp nhận trong kỳ"),
        numerator=_("Hồ sơ có ngày tiếp nhận trong kỳ, nộp trực tuyến (KenhThucHien = 2)"),
        denominator=_("Hồ sơ có ngày tiếp nhận trong kỳ"),
        plan_target=Decimal("0.5"),
    ),
    Indicator(
        code="full_process_coverage",
        group=PLAN,
        name=_("Tỷ lệ TTHC đủ điều kiện được cung cấp toàn trình"),
        formula=_(
            "TTHC đủ điều kiện đang cung cấp toàn trình / TTHC đủ điều kiện toàn trình (danh mục ngày cuối kỳ)"
        ),
        numerator=_("TTHC hiệu lực ngày cuối kỳ, đủ điều kiện toàn trình và mức độ 4"),
        denominator=_("TTHC hiệu lực ngày cuối kỳ, đủ điều kiện toàn trình"),
        catalogue=True,
        plan_target=Decimal(1),
    ),
    Indicator(
        code="national_portal_integration_rate",
        group=PLAN,
        name=_("Tỷ lệ DVCTT toàn trình tích hợp trên Cổng DVCQG"),
        formula=_("DVCTT toàn trình tích hợp Cổng DVCQG / DVCTT toàn trình (danh mục ngày cuối kỳ)"),
        numerator=_("TTHC hiệu lực ngày cuối kỳ, mức độ 4, đã tích hợp Cổng DVCQG"),
        denominator=_("TTHC hiệu lực ngày cuối kỳ, mức độ 4"),
        catalogue=True,
        plan_target=Decimal("0.6"),
    ),
    Indicator(
        code="official_usage_rate",
        group=PLAN,
        name=_("Tỷ lệ cán bộ sử dụng DVCTT"),
        formula=_(
            "Cán bộ đương chức ngày cuối kỳ là chủ hồ sơ trực tuyến nộp trong kỳ / cán bộ đương chức ngày cuối kỳ"
        ),
        numerator=_(
            "Cán bộ đương chức ngày cuối kỳ là chủ của ít nhất một hồ sơ trực tuyến có ngày nộp "
            "(hoặc ngày tiếp nhận khi không có ngày nộp) trong kỳ, mọi trạng thái"
        ),
        denominator=_(
            "Cán bộ đương chức ngày cuối kỳ (tính cả hai ngày hiệu lực), mỗi người một lần mỗi đơn vị"
        ),
        plan_target=Decimal(1),
    ),
    Indicator(
        code="services_with_online_dossiers_rate",
        group=PLAN,
        name=_("Tỷ lệ DVCTT phát sinh hồ sơ trực tuyến"),
        formula=_(
            "Dịch vụ (đơn vị, TTHC) có hồ sơ trực tuyến / dịch vụ trực tuyến có hồ sơ tiếp nhận trong kỳ"
        ),
        numerator=_(
            "Cặp (đơn vị xử lý, TTHC) của hồ sơ tiếp nhận trong kỳ, TTHC cung cấp trực tuyến ngày cuối kỳ, "
            "có ít nhất một hồ sơ trực tuyến"
        ),
        denominator=_(
            "Cặp (đơn vị xử lý, TTHC) của hồ sơ tiếp nhận trong kỳ, TTHC cung cấp trực tuyến ngày cuối kỳ"
        ),
    ),
    Indicator(
        code="online_processing_rate",
        group=PLAN,
        name=_("Tỷ lệ hồ sơ xử lý trực tuyến"),
        formula=_("Hồ sơ trực tuyến / hồ sơ của TTHC cung cấp trực tuyến tại ngày tiếp nhận"),
        numerator=_("Hồ sơ tiếp nhận trong kỳ, nộp trực tuyến, TTHC cung cấp trực tuyến tại ngày tiếp nhận"),
        denominator=_(
            "Hồ sơ tiếp nhận trong kỳ có TTHC cung cấp trực tuyến (mức độ 3, 4) tại ngày tiếp nhận"
        ),
    ),
    Indicator(
        code="on_time_rate",
        group=NATIONAL_INDEX,
        name=_("Tỷ lệ hồ sơ giải quyết đúng hạn"),
        formula=_("(Hồ sơ phải giải quyết − hồ sơ trễ hạn) / hồ sơ phải giải quyết"),
        numerator=_("Hồ sơ phải giải quyết trong kỳ không trễ hạn"),
        denominator=_("Hồ sơ tiếp nhận trước cuối kỳ chưa kết thúc trước đầu kỳ"),
        index_ref="2.1",
        points=Decimal(20),
    ),
    Indicator(
        code="online_payment_rate",
        group=NATIONAL_INDEX,
        name=_("Tỷ lệ hồ sơ thanh toán trực tuyến"),
        formula=_("Hồ sơ có phí, lệ phí được thanh toán trực tuyến / hồ sơ có phí, lệ phí"),
        numerator=_(
            "Hồ sơ tiếp nhận trong kỳ có tổng phí, lệ phí > 0, thanh toán trực tuyến (Cổng DVCQG hoặc tỉnh)"
        ),
        denominator=_("Hồ sơ tiếp nhận trong kỳ có tổng phí, lệ phí > 0"),
        index_ref="3.6",
        points=Decimal(6),
    ),
    Indicator(
        code="e_result_rate",
        group=NATIONAL_INDEX,
        name=_("Tỷ lệ hồ sơ cấp kết quả điện tử"),
        formula=_("Hồ sơ có kết quả điện tử / hồ sơ hoàn thành của TTHC có kết quả là giấy tờ"),
        numerator=_("Hồ sơ hoàn thành trong kỳ, TTHC có kết quả là giấy tờ, có kết quả điện tử"),
        denominator=_("Hồ sơ hoàn thành trong kỳ (trạng thái 9, 10) của TTHC có kết quả là giấy tờ"),
        index_ref="4.1",
        points=Decimal(6),
    ),
    Indicator(
        code="digitisation_rate",
        group=NATIONAL_INDEX,
        name=_("Tỷ lệ số hóa hồ sơ"),
        formula=_("Hồ sơ số hóa thành phần (và có kết quả điện tử khi cần) / hồ sơ tiếp nhận"),
        numerator=_(
            "Hồ sơ tiếp nhận trong kỳ có thành phần số hóa, trừ hồ sơ hoàn thành trong kỳ của TTHC có kết quả "
            "là giấy tờ mà không có kết quả điện tử"
        ),
        denominator=_("Hồ sơ tiếp nhận trong kỳ"),
        index_ref="4.2",
        points=Decimal(4),
        threshold=Decimal("0.8"),
    ),
    Indicator(
        code="sync_rate",
        group=NATIONAL_INDEX,
        name=_("Tỷ lệ hồ sơ đồng bộ Cổng DVCQG"),
        formula=_("Hồ sơ đồng bộ Cổng DVCQG / hồ sơ tiếp nhận"),
        numerator=_("Hồ sơ tiếp nhận trong kỳ đã đồng bộ Cổng DVCQG"),
        denominator=_("Hồ sơ tiếp nhận trong kỳ"),
        index_ref="1.4",
        points=Decimal(6),
    ),
    Indicator(
        code="satisfaction_rate",
        group=NATIONAL_INDEX,
        name=_("Mức độ hài lòng"),
        formula=_("max(0, 1 − hồ sơ trễ hạn / hồ sơ phải giải quyết − hồ sơ có phản ánh / hồ sơ tiếp nhận)"),
        numerator=_("Không có (chỉ số tính trực tiếp)"),
        denominator=_("Không có (chỉ số tính trực tiếp)"),
        index_ref="5.4",
        points=Decimal(6),
        threshold=Decimal("0.9"),
    ),
)

#: Platform indicators (group PLATFORM): computed by their own modules, not by the reference engine.
PLATFORM_INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="official_guidance_rate",
        group=PLATFORM,
        name=_("Tỷ lệ cán bộ hướng dẫn người thân sử dụng DVCTT"),
        formula=_(
            "Cán bộ đương chức ngày cuối kỳ đã hướng dẫn hồ sơ trực tuyến của người khác nộp trong kỳ / "
            "cán bộ đương chức ngày cuối kỳ"
        ),
        numerator=_(
            "Cán bộ đương chức ngày cuối kỳ được công dân đồng ý ghi nhận là người hướng dẫn của ít nhất một hồ "
            "sơ trực tuyến có ngày nộp trong kỳ, chủ hồ sơ không phải chính cán bộ đó"
        ),
        denominator=_(
            "Cán bộ đương chức ngày cuối kỳ (tính cả hai ngày hiệu lực), mỗi người một lần mỗi đơn vị"
        ),
        # Plan 165: "100% of officials use online services and show their relatives how"
        plan_target=Decimal(1),
    ),
)

#: Every indicator the platform shows, spec and platform, by code (plans' targets and the dashboards).
BY_CODE: dict[str, Indicator] = {
    indicator.code: indicator for indicator in (*INDICATORS, *PLATFORM_INDICATORS)
}
#: The spec's indicators only: the keys of the KPI Output object.
CODES: tuple[str, ...] = tuple(indicator.code for indicator in INDICATORS)


def indicator_get(*, code: str) -> Indicator:
    return BY_CODE[code]


def index_config() -> dict[str, tuple[Decimal, Decimal]]:
    """The national index's configuration of this registry version: code → (points P, threshold T)."""
    return {
        indicator.code: (indicator.points, indicator.threshold)
        for indicator in INDICATORS
        if indicator.points is not None
    }
