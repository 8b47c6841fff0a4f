"""Demo outreach data: a register of communication activities of the last months (the department, Justice, the
PPC Office, Home Affairs and a ward), and two published good practices whose figures the indicator engine gives.

Dates follow the day the demo is loaded (activities in the last 200 days; the practices compare the last whole
quarter with the same quarter a year before). Idempotent: an activity is created once by title, a practice once by
title.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from dvctt.accounts.models import User
from dvctt.agencies.demo import OFFICE, commune, dept
from dvctt.agencies.models import Unit
from dvctt.common.demo import demo_loader

from .models import CommunicationActivity, GoodPractice
from .services import activity_record, practice_create, practice_publish

SCIENCE, HOME, JUSTICE = dept(14), dept(2), dept(3)
WARD = commune(1)

# (days ago, unit, recorded by, channel, audience, reach, title, place, link)
ACTIVITIES: list[tuple[int, str, str, str, str, int, str, str, str]] = [
    (
        190,
        SCIENCE,
        "giamsat",
        "broadcast",
        "everyone",
        120_000,
        "Phóng sự “Dịch vụ công trực tuyến: nộp hồ sơ không cần đến cơ quan”",
        "Đài PT-TH Lạng Sơn",
        "https://langsontv.vn/phong-su-dich-vu-cong-truc-tuyen",
    ),
    (
        176,
        JUSTICE,
        "motcua.tp",
        "meeting",
        "citizens",
        85,
        "Hướng dẫn đăng ký khai sinh trực tuyến tại nhà văn hóa thôn Nà Lầu",
        "Thôn Nà Lầu, phường Đông Kinh",
        "",
    ),
    (
        160,
        WARD,
        "motcua.dongkinh",
        "meeting",
        "citizens",
        120,
        "Họp dân khối 3: cài đặt VNeID và nộp hồ sơ trực tuyến",
        "Nhà văn hóa khối 3, phường Đông Kinh",
        "",
    ),
    (
        151,
        SCIENCE,
        "giamsat",
        "press",
        "everyone",
        15_000,
        "Lạng Sơn đẩy mạnh thanh toán trực tuyến phí, lệ phí thủ tục hành chính",
        "Báo Lạng Sơn",
        "https://baolangson.vn/day-manh-thanh-toan-truc-tuyen",
    ),
    (
        140,
        HOME,
        "giamsat",
        "training",
        "officials",
        210,
        "Tập huấn cán bộ, công chức sử dụng dịch vụ công trực tuyến",
        "Hội trường Sở Nội vụ",
        "",
    ),
    (
        128,
        OFFICE,
        "giamsat",
        "social",
        "everyone",
        32_000,
        "Chuỗi bài đăng “Mỗi tuần một thủ tục trực tuyến” trên trang Zalo của UBND tỉnh",
        "",
        "https://zalo.me/ubndlangson",
    ),
    (
        117,
        JUSTICE,
        "motcua.tp",
        "print",
        "citizens",
        2_000,
        "Phát tờ rơi hướng dẫn chứng thực bản sao điện tử",
        "Trung tâm Phục vụ hành chính công tỉnh",
        "",
    ),
    (
        103,
        WARD,
        "motcua.dongkinh",
        "social",
        "citizens",
        4_500,
        "Video hướng dẫn nộp hồ sơ cấp giấy phép xây dựng qua Cổng DVC",
        "",
        "https://facebook.com/phuongdongkinh/videos/1",
    ),
    (
        96,
        SCIENCE,
        "giamsat",
        "training",
        "officials",
        95,
        "Tập huấn ký số kết quả giải quyết thủ tục cho bộ phận một cửa cấp xã",
        "Sở Khoa học và Công nghệ",
        "",
    ),
    (
        88,
        JUSTICE,
        "motcua.tp",
        "press",
        "citizens",
        6_000,
        "Bài viết: Lý lịch tư pháp trực tuyến, nhận kết quả qua bưu điện",
        "Cổng thông tin điện tử Sở Tư pháp",
        "https://stp.langson.gov.vn/ly-lich-tu-phap-truc-tuyen",
    ),
    (
        75,
        OFFICE,
        "giamsat",
        "broadcast",
        "businesses",
        40_000,
        "Tọa đàm truyền hình: doanh nghiệp và thủ tục đầu tư trực tuyến",
        "Đài PT-TH Lạng Sơn",
        "",
    ),
    (
        63,
        WARD,
        "motcua.dongkinh",
        "meeting",
        "youth",
        150,
        "Đoàn thanh niên phường hướng dẫn người cao tuổi nộp hồ sơ trực tuyến",
        "Phường Đông Kinh",
        "",
    ),
    (
        52,
        HOME,
        "giamsat",
        "meeting",
        "officials",
        60,
        "Hội nghị giao ban: tỷ lệ cán bộ sử dụng dịch vụ công trực tuyến",
        "Sở Nội vụ",
        "",
    ),
    (
        40,
        JUSTICE,
        "motcua.tp",
        "training",
        "officials",
        45,
        "Tập huấn cán bộ tư pháp cấp xã về số hóa hồ sơ, kết quả",
        "Sở Tư pháp",
        "",
    ),
    (
        31,
        SCIENCE,
        "giamsat",
        "social",
        "everyone",
        18_000,
        "Infographic: 5 bước nộp hồ sơ trực tuyến toàn trình",
        "",
        "https://facebook.com/sokhcnlangson/posts/2",
    ),
    (
        22,
        WARD,
        "motcua.dongkinh",
        "print",
        "citizens",
        800,
        "Áp phích mã QR tra cứu hồ sơ tại bộ phận một cửa phường",
        "Bộ phận một cửa phường Đông Kinh",
        "",
    ),
    (
        14,
        OFFICE,
        "giamsat",
        "press",
        "everyone",
        9_000,
        "Thông cáo báo chí kết quả chỉ số phục vụ người dân, doanh nghiệp",
        "Văn phòng UBND tỉnh",
        "",
    ),
    (
        6,
        JUSTICE,
        "motcua.tp",
        "meeting",
        "citizens",
        70,
        "Hướng dẫn đăng ký kết hôn trực tuyến tại xã",
        "UBND xã",
        "",
    ),
    (
        2,
        SCIENCE,
        "giamsat",
        "other",
        "youth",
        300,
        "Ngày hội “Thanh niên với chuyển đổi số” có gian hướng dẫn dịch vụ công",
        "Quảng trường 17/10",
        "",
    ),
]

# (title, unit, units mode, indicators, what, who)
PRACTICES: list[tuple[str, str, str, list[str], str, str]] = [
    (
        "Sở Tư pháp: “một cán bộ, một thôn” hướng dẫn nộp hồ sơ trực tuyến",
        JUSTICE,
        "period",
        ["online_dossier_rate", "online_payment_rate", "on_time_rate"],
        "Mỗi cán bộ một cửa nhận phụ trách một thôn, khối phố: mỗi tháng một buổi hướng dẫn tại nhà văn hóa, "
        "cài VNeID và nộp thử hồ sơ khai sinh, lý lịch tư pháp cho người dân.\n"
        "Tại bộ phận một cửa, người dân đến nộp giấy được cán bộ ngồi cùng nộp trực tuyến ngay trên máy của "
        "bộ phận, thanh toán lệ phí qua mã QR.",
        "Bộ phận một cửa Sở Tư pháp; Phòng Hành chính tư pháp; Đoàn thanh niên Sở.",
    ),
    (
        "Phường Đông Kinh: ký số kết quả và trả kết quả điện tử",
        WARD,
        "current",
        ["e_result_rate", "digitisation_rate", "online_dossier_rate"],
        "Phường ký số toàn bộ kết quả giải quyết, số hóa hồ sơ ngay khi tiếp nhận và gửi kết quả điện tử vào "
        "kho dữ liệu của người dân; bản giấy chỉ in khi người dân đề nghị.",
        "Chủ tịch UBND phường; công chức văn phòng – thống kê; bộ phận một cửa phường.",
    ),
]


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _practice_periods(today: date) -> tuple[date, date, date, date]:
    """The last whole quarter, and the same quarter a year before."""
    after_to = _quarter_start(today) - timedelta(days=1)
    after_from = _quarter_start(after_to)
    before_from = date(after_from.year - 1, after_from.month, 1)
    before_to = date(after_to.year - 1, after_to.month, after_to.day)
    return before_from, before_to, after_from, after_to


@demo_loader(order=65, name="outreach")
def load(*, stdout: Any, scale: float) -> str:
    users = {
        u.username: u for u in User.objects.filter(username__in=["giamsat", "motcua.tp", "motcua.dongkinh"])
    }
    monitor = users.get("giamsat")
    if monitor is None:
        return "chưa có tài khoản cán bộ theo dõi: bỏ qua"
    units = {u.code: u for u in Unit.objects.filter(code__in=[SCIENCE, HOME, JUSTICE, OFFICE, WARD])}
    today = timezone.localdate()
    known = set(CommunicationActivity.objects.values_list("title", flat=True))
    recorded = 0
    for days, unit, author, channel, audience, reach, title, place, link in ACTIVITIES:
        if title in known or unit not in units or author not in users:
            continue
        activity_record(
            actor=users[author],
            unit_id=units[unit].pk,
            date=today - timedelta(days=days),
            channel=channel,
            audience=audience,
            reach=reach,
            title=title,
            place=place,
            links=[link] if link else [],
        )
        recorded += 1
    before_from, before_to, after_from, after_to = _practice_periods(today)
    written = set(GoodPractice.objects.values_list("title", flat=True))
    published = 0
    for title, unit, mode, indicators, what, who in PRACTICES:
        if title in written or unit not in units:
            continue
        practice = practice_create(
            actor=monitor,
            unit_id=units[unit].pk,
            title=title,
            what=what,
            who=who,
            before_from=before_from,
            before_to=before_to,
            after_from=after_from,
            after_to=after_to,
            units_mode=mode,
            indicators=indicators,
        )
        practice_publish(actor=monitor, practice_id=practice.pk)
        published += 1
    return (
        f"{recorded} hoạt động truyền thông mới ({CommunicationActivity.objects.count()} hoạt động), "
        f"{published} cách làm hay mới"
    )
