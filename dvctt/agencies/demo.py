"""Demo units: Lạng Sơn's structure before and after the 2025 reorganisation (docs/units-and-roles.md).

Codes follow the national style (H38 is Lạng Sơn): ``000.00.NN.H38`` for the units directly under the
province (office, departments, districts), ``000.CC.00.H38`` for the communes and wards of 1/07/2025, and
``000.01.01.H38`` for the public-administration service centre under the office. Names marked ``generated``
are placeholders for communes whose real names we could not confirm.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dvctt.agencies.models import Unit, UnitLevel
from dvctt.agencies.services import unit_create
from dvctt.common.demo import demo_loader
from dvctt.common.text import fold

H38 = "H38"
ROOT = "000.00.00.H38"
OFFICE = "000.00.01.H38"
SERVICE_CENTRE = "000.01.01.H38"
SINCE = date(2000, 1, 1)  # "before the platform's history": the real founding dates do not matter here
DEPARTMENTS_END = date(2025, 2, 28)  # the department merges took effect on 1/03/2025
DEPARTMENTS_START = date(2025, 3, 1)
DISTRICTS_END = date(2025, 6, 30)  # two-level local government from 1/07/2025
COMMUNES_START = date(2025, 7, 1)
STREET = "tỉnh Lạng Sơn"


def dept(nn: int) -> str:
    return f"000.00.{nn:02d}.{H38}"


def commune(cc: int) -> str:
    return f"000.{cc:02d}.00.{H38}"


# (number, name, short mail name, successor number or None when it continues, note)
DEPARTMENTS: list[tuple[int, str, str, int | None, str]] = [
    (2, "Sở Nội vụ", "snv", None, ""),
    (3, "Sở Tư pháp", "stp", None, ""),
    (4, "Sở Kế hoạch và Đầu tư", "skhdt", 5, "Hợp nhất vào Sở Tài chính."),
    (5, "Sở Tài chính", "stc", None, ""),
    (6, "Sở Công Thương", "sct", None, ""),
    (
        7,
        "Sở Nông nghiệp và Phát triển nông thôn",
        "snnptnt",
        21,
        "Hợp nhất thành Sở Nông nghiệp và Môi trường.",
    ),
    (8, "Sở Giao thông vận tải", "sgtvt", 9, "Hợp nhất vào Sở Xây dựng."),
    (9, "Sở Xây dựng", "sxd", None, ""),
    (10, "Sở Tài nguyên và Môi trường", "stnmt", 21, "Hợp nhất thành Sở Nông nghiệp và Môi trường."),
    (11, "Sở Thông tin và Truyền thông", "stttt", 14, "Hợp nhất vào Sở Khoa học và Công nghệ."),
    (
        12,
        "Sở Lao động - Thương binh và Xã hội",
        "sldtbxh",
        2,
        "Phần lớn nhiệm vụ chuyển Sở Nội vụ (đơn vị kế thừa); bảo trợ xã hội, trẻ em chuyển Sở Y tế; "
        "giáo dục nghề nghiệp chuyển Sở Giáo dục và Đào tạo.",
    ),
    (13, "Sở Văn hóa, Thể thao và Du lịch", "svhttdl", None, ""),
    (14, "Sở Khoa học và Công nghệ", "skhcn", None, ""),
    (15, "Sở Giáo dục và Đào tạo", "sgddt", None, ""),
    (16, "Sở Y tế", "syt", None, ""),
    (17, "Sở Ngoại vụ", "sngv", None, ""),
    (18, "Thanh tra tỉnh", "ttt", None, ""),
    (19, "Ban Dân tộc tỉnh", "bdt", 22, "Chuyển thành Sở Dân tộc và Tôn giáo."),
    (20, "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn", "bqlkkt", None, ""),
]
# Departments created by the 2025 merges.
NEW_DEPARTMENTS: list[tuple[int, str, str]] = [
    (21, "Sở Nông nghiệp và Môi trường", "snnmt"),
    (22, "Sở Dân tộc và Tôn giáo", "sdttg"),
]

# The four wards of 1/07/2025 (names we are confident of), codes 1..4.
WARDS = ["Đông Kinh", "Lương Văn Tri", "Tam Thanh", "Kỳ Lừa"]

# Old district-level units: (number, kind, name, successor = the commune or ward at the old seat,
# real commune names on its territory (the first is the seat unless the seat is a ward), generated count).
DISTRICTS: list[tuple[int, str, str, str, list[str], int]] = [
    (30, "thành phố", "Lạng Sơn", "phường Lương Văn Tri", [], 0),
    (31, "huyện", "Bắc Sơn", "xã Bắc Sơn", ["Bắc Sơn"], 6),
    (32, "huyện", "Bình Gia", "xã Bình Gia", ["Bình Gia"], 5),
    (33, "huyện", "Cao Lộc", "phường Kỳ Lừa", ["Đồng Đăng"], 5),
    (34, "huyện", "Chi Lăng", "xã Chi Lăng", ["Chi Lăng"], 5),
    (35, "huyện", "Đình Lập", "xã Đình Lập", ["Đình Lập"], 3),
    (36, "huyện", "Hữu Lũng", "xã Hữu Lũng", ["Hữu Lũng"], 7),
    (37, "huyện", "Lộc Bình", "xã Lộc Bình", ["Lộc Bình", "Na Dương"], 5),
    (38, "huyện", "Tràng Định", "xã Thất Khê", ["Thất Khê"], 5),
    (39, "huyện", "Văn Lãng", "xã Na Sầm", ["Na Sầm"], 4),
    (40, "huyện", "Văn Quan", "xã Văn Quan", ["Văn Quan"], 5),
]


def _phone(n: int) -> str:
    return f"0205 3{n:03d} {(n * 37) % 1000:03d}"


def demo_units() -> list[dict[str, Any]]:
    """The demo units as ``unit_create`` arguments, in an order where parents and successors come first."""
    units: list[dict[str, Any]] = [
        dict(
            code=ROOT,
            name="Ủy ban nhân dân tỉnh Lạng Sơn",
            level=UnitLevel.PROVINCE,
            valid_from=SINCE,
            address=f"Đường Hùng Vương, phường Lương Văn Tri, {STREET}",
            phone=_phone(1),
            email="ubnd@langson.gov.vn",
        ),
        dict(
            code=OFFICE,
            name="Văn phòng UBND tỉnh Lạng Sơn",
            level=UnitLevel.PROVINCE,
            valid_from=SINCE,
            parent_code=ROOT,
            address=f"Đường Hùng Vương, phường Lương Văn Tri, {STREET}",
            phone=_phone(2),
            email="vpubnd@langson.gov.vn",
        ),
        dict(
            code=SERVICE_CENTRE,
            name="Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn",
            level=UnitLevel.PROVINCE,
            valid_from=SINCE,
            parent_code=OFFICE,
            address=f"Đường Hùng Vương, phường Lương Văn Tri, {STREET}",
            phone=_phone(3),
            email="ttpvhcc@langson.gov.vn",
        ),
    ]
    continuing = [row for row in DEPARTMENTS if row[3] is None]
    ended = [row for row in DEPARTMENTS if row[3] is not None]
    for nn, name, mail, _successor, _note in continuing:
        units.append(
            dict(
                code=dept(nn),
                name=name,
                level=UnitLevel.DEPARTMENT,
                valid_from=SINCE,
                parent_code=ROOT,
                address=f"Số {nn * 3} đường Lê Lợi, phường Đông Kinh, {STREET}",
                phone=_phone(nn * 10),
                email=f"{mail}@langson.gov.vn",
            )
        )
    for nn, name, mail in NEW_DEPARTMENTS:
        units.append(
            dict(
                code=dept(nn),
                name=name,
                level=UnitLevel.DEPARTMENT,
                valid_from=DEPARTMENTS_START,
                parent_code=ROOT,
                address=f"Số {nn * 3} đường Trần Đăng Ninh, phường Đông Kinh, {STREET}",
                phone=_phone(nn * 10),
                email=f"{mail}@langson.gov.vn",
            )
        )
    for nn, name, mail, successor, note in ended:
        assert successor is not None
        units.append(
            dict(
                code=dept(nn),
                name=name,
                level=UnitLevel.DEPARTMENT,
                valid_from=SINCE,
                valid_to=DEPARTMENTS_END,
                parent_code=ROOT,
                successor_code=dept(successor),
                address=f"Số {nn * 3} đường Lê Lợi, phường Đông Kinh, {STREET}",
                phone=_phone(nn * 10),
                email=f"{mail}@langson.gov.vn",
                extra={"ghi_chu": note},
            )
        )

    by_name: dict[str, str] = {}
    cc = 0
    for ward in WARDS:
        cc += 1
        name = f"phường {ward}"
        by_name[name] = commune(cc)
        units.append(
            dict(
                code=commune(cc),
                name=f"UBND {name}",
                level=UnitLevel.COMMUNE,
                valid_from=COMMUNES_START,
                parent_code=ROOT,
                address=f"UBND {name}, {STREET}",
                phone=_phone(100 + cc),
                extra={"ten": "that"},
            )
        )
    for _nn, _kind, district, _seat, real, generated in DISTRICTS:
        names = [(f"xã {n}", "that") for n in real]
        names += [(f"xã {district} số {i}", "minh_hoa") for i in range(2, generated + 2)]
        for name, kind in names:
            cc += 1
            by_name[name] = commune(cc)
            units.append(
                dict(
                    code=commune(cc),
                    name=f"UBND {name}",
                    level=UnitLevel.COMMUNE,
                    valid_from=COMMUNES_START,
                    parent_code=ROOT,
                    address=f"UBND {name}, {STREET}",
                    phone=_phone(100 + cc),
                    extra={"ten": kind, "huyen_cu": district},
                )
            )
    for nn, kind, district, seat, _real, _generated in DISTRICTS:
        units.append(
            dict(
                code=dept(nn),
                name=f"UBND {kind} {district}",
                level=UnitLevel.DISTRICT,
                valid_from=SINCE,
                valid_to=DISTRICTS_END,
                parent_code=ROOT,
                successor_code=by_name[seat],
                address=f"UBND {kind} {district}, {STREET}",
                phone=_phone(nn * 10 + 1),
                email=f"ubnd.{fold(district).replace(' ', '')}@langson.gov.vn",
                extra={
                    "ghi_chu": f"Huyện không có một đơn vị kế thừa duy nhất theo luật; chọn UBND {seat}, "
                    "nơi đặt trụ sở cũ."
                },
            )
        )
    return units


@demo_loader(order=10, name="agencies")
def load(*, stdout: Any, scale: float) -> str:
    units = demo_units()
    existing = set(Unit.objects.values_list("code", flat=True))
    created = 0
    for kwargs in units:
        if kwargs["code"] in existing:
            continue
        unit_create(**kwargs)
        created += 1
    total = Unit.objects.count()
    return f"{created} đơn vị mới, {total} đơn vị (65 xã/phường từ 01/07/2025)"
