"""Demo steering data: the tasks Plan 165/KH-UBND gives (domain.md §2), a few progress reports, and difficulties
in every state (docs/steering.md).

The plan's lines of work become tasks led by the units that lead them in practice: the Department of Science and
Technology (which took over Information and Communications in 2025) leads and checks the plan; Home Affairs
revises the PAR criteria and the officials' use; the PPC Office runs the one-stop system and its link to the
national portal. Deadlines of the 2025 tasks are the plan's; the tasks carried on into the current year get
deadlines around the day the demo is loaded, so the dashboards show overdue and nearly due tasks. Idempotent:
tasks are created once by code, progress and difficulties only with their task (or once by subject).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from dvctt.accounts.models import User
from dvctt.agencies.demo import OFFICE, commune, dept
from dvctt.agencies.models import Unit
from dvctt.common.demo import demo_loader
from dvctt.plans.models import Plan

from .models import Difficulty, PlanTask
from .services import difficulty_file, difficulty_move, task_create, task_move, task_progress_add

PLAN_NUMBER = "165/KH-UBND"
SCIENCE, HOME, JUSTICE, FINANCE, CONSTRUCTION, CULTURE = (
    dept(14),
    dept(2),
    dept(3),
    dept(5),
    dept(9),
    dept(13),
)
WARD = commune(1)

# (code, title, lead, cooperating, deadline (date, or days from today), expected result, done)
TASKS: list[tuple[str, str, str, list[str], date | int, str, bool]] = [
    (
        "NV-01",
        "Rà soát, nâng cao chất lượng dịch vụ công trực tuyến: chuẩn hóa biểu mẫu điện tử, cắt giảm thành phần "
        "hồ sơ, tái sử dụng dữ liệu đã số hóa",
        SCIENCE,
        [OFFICE, HOME, JUSTICE],
        date(2025, 12, 31),
        "Báo cáo rà soát; danh sách dịch vụ được nâng cấp",
        True,
    ),
    (
        "NV-02",
        "Cung cấp 100% thủ tục hành chính đủ điều kiện dưới dạng dịch vụ công trực tuyến toàn trình",
        SCIENCE,
        [OFFICE, JUSTICE, FINANCE, CONSTRUCTION],
        -15,
        "Quyết định công bố danh mục dịch vụ công trực tuyến toàn trình",
        False,
    ),
    (
        "NV-03",
        "Tích hợp, cung cấp tối thiểu 60% dịch vụ công trực tuyến toàn trình trên Cổng Dịch vụ công quốc gia",
        OFFICE,
        [SCIENCE],
        3,
        "Dịch vụ được tích hợp, đồng bộ trạng thái hồ sơ lên Cổng DVCQG",
        False,
    ),
    (
        "NV-04",
        "100% cán bộ, công chức, viên chức sử dụng dịch vụ công trực tuyến khi thực hiện thủ tục và hướng dẫn "
        "người thân sử dụng",
        HOME,
        [SCIENCE, JUSTICE, WARD],
        45,
        "Danh sách cán bộ đã sử dụng; báo cáo của các cơ quan, đơn vị",
        False,
    ),
    (
        "NV-05",
        "Tuyên truyền, hướng dẫn người dân, doanh nghiệp sử dụng dịch vụ công trực tuyến, thanh toán trực tuyến",
        SCIENCE,
        [CULTURE, WARD],
        90,
        "Chuyên mục trên báo, đài tỉnh; tài liệu hướng dẫn tại bộ phận một cửa",
        False,
    ),
    (
        "NV-06",
        "Kiểm tra, đôn đốc việc thực hiện kế hoạch; tổng hợp khó khăn, vướng mắc, báo cáo UBND tỉnh định kỳ",
        SCIENCE,
        [HOME, OFFICE],
        30,
        "Báo cáo quý, năm trình UBND tỉnh",
        False,
    ),
    (
        "NV-07",
        "Sửa đổi tiêu chí đánh giá dịch vụ công trực tuyến trong Bộ chỉ số cải cách hành chính của tỉnh",
        HOME,
        [SCIENCE],
        -5,
        "Quyết định sửa đổi Bộ chỉ số CCHC",
        False,
    ),
    (
        "NV-08",
        "Số hóa hồ sơ, kết quả giải quyết thủ tục lĩnh vực hộ tịch, chứng thực; cung cấp trực tuyến toàn trình",
        JUSTICE,
        [WARD],
        2,
        "Hồ sơ hộ tịch, chứng thực được số hóa và trả kết quả điện tử",
        False,
    ),
]

# (task code, unit, author username, percent, text, links)
PROGRESS: list[tuple[str, str, str, int, str, list[str]]] = [
    (
        "NV-02",
        SCIENCE,
        "giamsat",
        70,
        "Đã rà soát 1.750 thủ tục cấp tỉnh; 412 thủ tục đủ điều kiện, đã cung cấp toàn trình 288 thủ tục. Còn 124 "
        "thủ tục chờ các sở hoàn thiện quy trình nội bộ.",
        ["https://dichvucong.langson.gov.vn"],
    ),
    (
        "NV-03",
        OFFICE,
        "giamsat",
        80,
        "Đã tích hợp 231/288 dịch vụ toàn trình lên Cổng DVCQG; đang kiểm thử đồng bộ trạng thái hồ sơ.",
        [],
    ),
    (
        "NV-08",
        JUSTICE,
        "lanhdao.stp",
        55,
        "Đã số hóa sổ hộ tịch giai đoạn 2015–2020; trả kết quả điện tử cho thủ tục chứng thực bản sao.",
        [],
    ),
]

# (subject, author, category, content, moves: list of (action, actor username, extra), days ago)
DIFFICULTIES: list[tuple[str, str, str, str, list[tuple[str, str, dict[str, Any]]], int]] = [
    (
        "Mất kết nối đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia",
        "motcua.tp",
        "connection",
        "Từ ngày 02 đến nay, hồ sơ tiếp nhận tại Sở Tư pháp không đồng bộ được trạng thái lên Cổng DVCQG "
        "(lỗi hết thời gian chờ). Đề nghị Sở Khoa học và Công nghệ kiểm tra kết nối.",
        [],
        6,
    ),
    (
        "Bộ phận một cửa cấp xã thiếu cán bộ sau sắp xếp",
        "motcua.dongkinh",
        "staffing",
        "Sau sắp xếp đơn vị hành chính, bộ phận một cửa phường chỉ còn 02 công chức, không đủ hướng dẫn người "
        "dân nộp hồ sơ trực tuyến. Đề nghị bổ sung biên chế hoặc tăng cường cán bộ.",
        [("assign", "giamsat", {"unit": HOME})],
        12,
    ),
    (
        "Đề nghị cho phép trả kết quả chứng thực điện tử thay bản giấy",
        "chuyenvien.stp",
        "law",
        "Một số thủ tục yêu cầu trả bản giấy theo quy định hiện hành nên không cung cấp được toàn trình. Đề nghị "
        "UBND tỉnh kiến nghị Bộ Tư pháp hướng dẫn.",
        [("escalate", "giamsat", {})],
        20,
    ),
    (
        "Biểu mẫu điện tử thủ tục đăng ký khai sinh chưa tự điền thông tin công dân",
        "lanhdao.stp",
        "platform",
        "Biểu mẫu chưa lấy dữ liệu từ Cơ sở dữ liệu quốc gia về dân cư, người dân phải nhập lại.",
        [
            (
                "answer",
                "giamsat",
                {
                    "answer": "Sở Khoa học và Công nghệ đã đề nghị đơn vị cung cấp nền tảng bổ sung kết nối; dự "
                    "kiến hoàn thành trong tháng tới."
                },
            )
        ],
        30,
    ),
    (
        "Đề nghị tập huấn sử dụng chữ ký số cho cán bộ một cửa",
        "motcua.tp",
        "other",
        "Đề nghị tổ chức tập huấn ký số kết quả giải quyết thủ tục cho cán bộ một cửa.",
        [
            (
                "answer",
                "giamsat",
                {"answer": "Đã tổ chức tập huấn ngày 15 tại Trung tâm Phục vụ hành chính công."},
            ),
            ("close", "lanhdao.stp", {}),
        ],
        45,
    ),
]


def _deadline(value: date | int, today: date) -> date:
    return value if isinstance(value, date) else today + timedelta(days=value)


@demo_loader(order=60, name="steering")
def load(*, stdout: Any, scale: float) -> str:
    plan = Plan.objects.filter(decision_number=PLAN_NUMBER).first()
    if plan is None:
        return "chưa có kế hoạch 165/KH-UBND: bỏ qua"
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["giamsat", "lanhdao.stp", "motcua.tp", "motcua.dongkinh", "chuyenvien.stp"]
        )
    }
    monitor = users.get("giamsat")
    if monitor is None:
        return "chưa có tài khoản cán bộ theo dõi: bỏ qua"
    units = {u.code: u for u in Unit.objects.all()}
    today = timezone.localdate()
    existing = set(PlanTask.objects.filter(plan=plan).values_list("code", flat=True))
    created = 0
    for code, title, lead, cooperating, deadline, result, done in TASKS:
        if code in existing or lead not in units:
            continue
        task = task_create(
            actor=monitor,
            plan=plan,
            code=code,
            title=title,
            lead_unit=units[lead],
            cooperating_units=[units[c] for c in cooperating if c in units],
            start_date=date(2023, 8, 2),
            deadline=_deadline(deadline, today),
            expected_result=result,
        )
        created += 1
        for p_code, unit, author, percent, text, links in PROGRESS:
            if p_code == code and author in users and unit in units:
                task_progress_add(
                    actor=users[author],
                    task_id=task.pk,
                    unit_id=units[unit].pk,
                    text=text,
                    percent=percent,
                    links=links,
                )
        if done:
            task_progress_add(
                actor=monitor,
                task_id=task.pk,
                unit_id=units[lead].pk,
                text="Đã hoàn thành rà soát; 146 dịch vụ được chuẩn hóa biểu mẫu điện tử.",
                percent=100,
            )
            task_move(actor=monitor, task_id=task.pk, action="done", today=date(2025, 12, 20))
    filed = 0
    now = timezone.now()
    known = set(Difficulty.objects.values_list("subject", flat=True))
    for subject, author, category, content, moves, days_ago in DIFFICULTIES:
        if subject in known or author not in users:
            continue
        item = difficulty_file(
            actor=users[author],
            category=category,
            subject=subject,
            content=content,
            at=now - timedelta(days=days_ago),
        )
        for step, (action, actor, extra) in enumerate(moves, start=1):
            if actor not in users:
                break
            assignee = units.get(extra.get("unit", ""))
            difficulty_move(
                actor=users[actor],
                difficulty_id=item.pk,
                action=action,
                answer=extra.get("answer", ""),
                unit_id=assignee.pk if assignee else None,
                at=now - timedelta(days=max(0, days_ago - 3 * step)),
            )
        filed += 1
    return f"{created} nhiệm vụ mới ({PlanTask.objects.filter(plan=plan).count()} nhiệm vụ), {filed} khó khăn, đề xuất mới"
