"""Demo catalogue: about 2,124 procedures (1,750 provincial, 374 local) with versions over 2023–2025.

The common procedures carry their real names (``REAL``); the others have generated names (``extra.demo`` =
``"generated"``). Codes are generated in the national style (``1.00xxxx``) and are NOT the national database's
codes. Units come from the agencies demo: departments for provincial procedures (following successors after
the 2025 merges), districts before 1/07/2025 and communes from that day for local ones. Written with bulk
inserts, without history rows (history starts with the first edit).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from dvctt.agencies.models import Unit
from dvctt.agencies.selectors import units_in_force
from dvctt.catalog.models import DossierComponent, FeeLine, Field, Procedure, ProcedureVersion
from dvctt.catalog.terms import catalogue_terms_stamp_renew
from dvctt.common.demo import demo_loader
from dvctt.common.text import fold

BASE = date(2023, 1, 1)
COMMUNES_FROM = date(2025, 7, 1)
PROVINCIAL = 1750
LOCAL = 374
ABOLISHED = 24  # procedures abolished during 2024, beside the 2,124 in force at the end

# (code, name, keyword of the department that carries it)
FIELDS: list[tuple[str, str, str]] = [
    ("HT", "Hộ tịch", "tu phap"),
    ("CT", "Chứng thực", "tu phap"),
    ("TP", "Tư pháp", "tu phap"),
    ("DD", "Đất đai", "tai nguyen"),
    ("MT", "Môi trường", "tai nguyen"),
    ("XD", "Xây dựng", "xay dung"),
    ("DKKD", "Đăng ký kinh doanh", "ke hoach"),
    ("DT", "Đầu tư", "ke hoach"),
    ("GT", "Giao thông vận tải", "giao thong"),
    ("GD", "Giáo dục và Đào tạo", "giao duc"),
    ("YT", "Y tế", "y te"),
    ("LD", "Lao động, việc làm", "lao dong"),
    ("BTXH", "Bảo trợ xã hội", "lao dong"),
    ("VH", "Văn hóa", "van hoa"),
    ("DL", "Du lịch", "van hoa"),
    ("NN", "Nông nghiệp", "nong nghiep"),
    ("CTH", "Công thương", "cong thuong"),
    ("TC", "Tài chính, thuế", "tai chinh"),
    ("TTTT", "Thông tin và truyền thông", "thong tin"),
    ("NV", "Nội vụ", "noi vu"),
    ("KHCN", "Khoa học và công nghệ", "khoa hoc"),
]
# Fields whose procedures are carried out locally (districts, then communes).
LOCAL_FIELDS = ["HT", "CT", "DD", "BTXH", "NN", "VH", "GD", "XD", "TP", "LD", "CTH"]

_PERSON_FORM: list[dict[str, Any]] = [
    {
        "name": "ho_ten",
        "label": "Họ và tên người yêu cầu",
        "type": "text",
        "required": True,
        "max_length": 100,
    },
    {"name": "so_dinh_danh", "label": "Số định danh cá nhân", "type": "id_number", "required": True},
    # the requester's own birth date: filled (and, for a national identity, locked) from the account
    {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True, "prefill": "birth_date"},
    {"name": "dien_thoai", "label": "Số điện thoại", "type": "phone", "required": True},
    {"name": "email", "label": "Thư điện tử", "type": "email", "required": False},
]


def _form(*extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [*_PERSON_FORM, *extra]


# Real procedures: (name, field, local?, limit, limit unit, fees, result document, components, e-form extras)
REAL: list[tuple[str, str, bool, str, str, list[tuple[str, int]], str, list[str], list[dict[str, Any]]]] = [
    (
        "Đăng ký khai sinh",
        "HT",
        True,
        "1",
        "ngay_lam_viec",
        [],
        "Giấy khai sinh",
        ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
        [
            {
                "name": "ho_ten_tre",
                "label": "Họ, chữ đệm, tên của trẻ",
                "type": "text",
                "required": True,
                "max_length": 100,
            },
            {"name": "ngay_sinh_tre", "label": "Ngày sinh của trẻ", "type": "date", "required": True},
            {
                "name": "gioi_tinh",
                "label": "Giới tính",
                "type": "select",
                "required": True,
                "choices": [["nam", "Nam"], ["nu", "Nữ"]],
            },
            {
                "name": "noi_sinh",
                "label": "Nơi sinh",
                "type": "textarea",
                "required": True,
                "max_length": 255,
            },
        ],
    ),
    (
        "Đăng ký kết hôn",
        "HT",
        True,
        "1",
        "ngay_lam_viec",
        [],
        "Giấy chứng nhận kết hôn",
        ["Tờ khai đăng ký kết hôn", "Giấy xác nhận tình trạng hôn nhân"],
        [
            {
                "name": "ho_ten_ben_kia",
                "label": "Họ và tên bên kia",
                "type": "text",
                "required": True,
                "max_length": 100,
            },
            {
                "name": "so_dinh_danh_ben_kia",
                "label": "Số định danh cá nhân bên kia",
                "type": "id_number",
                "required": True,
            },
        ],
    ),
    (
        "Đăng ký khai tử",
        "HT",
        True,
        "1",
        "ngay_lam_viec",
        [],
        "Trích lục khai tử",
        ["Tờ khai đăng ký khai tử", "Giấy báo tử hoặc giấy tờ thay thế"],
        [
            {"name": "ho_ten_nguoi_chet", "label": "Họ và tên người chết", "type": "text", "required": True},
            {"name": "ngay_chet", "label": "Ngày chết", "type": "date", "required": True},
        ],
    ),
    (
        "Đăng ký nhận cha, mẹ, con",
        "HT",
        True,
        "3",
        "ngay_lam_viec",
        [],
        "Trích lục đăng ký nhận cha, mẹ, con",
        ["Tờ khai đăng ký nhận cha, mẹ, con", "Chứng cứ chứng minh quan hệ cha, mẹ, con"],
        [],
    ),
    (
        "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
        "HT",
        True,
        "3",
        "ngay_lam_viec",
        [("Lệ phí", 15000)],
        "Trích lục thay đổi, cải chính hộ tịch",
        ["Tờ khai đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch"],
        [],
    ),
    (
        "Cấp bản sao trích lục hộ tịch",
        "HT",
        True,
        "1",
        "ngay_lam_viec",
        [("Phí cấp bản sao trích lục", 8000)],
        "Bản sao trích lục hộ tịch",
        ["Tờ khai cấp bản sao trích lục hộ tịch"],
        [
            {
                "name": "loai_trich_luc",
                "label": "Loại trích lục",
                "type": "select",
                "required": True,
                "choices": [["khai_sinh", "Khai sinh"], ["ket_hon", "Kết hôn"], ["khai_tu", "Khai tử"]],
            },
            {"name": "so_ban", "label": "Số bản", "type": "integer", "required": True},
        ],
    ),
    (
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        "HT",
        True,
        "3",
        "ngay_lam_viec",
        [],
        "Giấy xác nhận tình trạng hôn nhân",
        ["Tờ khai cấp Giấy xác nhận tình trạng hôn nhân"],
        [
            {
                "name": "muc_dich",
                "label": "Mục đích sử dụng",
                "type": "text",
                "required": True,
                "max_length": 200,
            }
        ],
    ),
    (
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "CT",
        True,
        "0.5",
        "ngay_lam_viec",
        [("Phí chứng thực bản sao (mỗi trang)", 2000)],
        "Bản sao được chứng thực",
        ["Bản chính giấy tờ, văn bản"],
        [],
    ),
    (
        "Chứng thực chữ ký trong giấy tờ, văn bản",
        "CT",
        True,
        "0.5",
        "ngay_lam_viec",
        [("Phí chứng thực chữ ký", 10000)],
        "Giấy tờ, văn bản đã chứng thực chữ ký",
        ["Giấy tờ, văn bản cần chứng thực chữ ký"],
        [],
    ),
    (
        "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất và nhà ở",
        "CT",
        True,
        "2",
        "ngay_lam_viec",
        [("Phí chứng thực hợp đồng", 50000)],
        "Hợp đồng, giao dịch đã chứng thực",
        ["Dự thảo hợp đồng, giao dịch", "Bản sao giấy tờ tùy thân"],
        [],
    ),
    (
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
        "TP",
        False,
        "10",
        "ngay_lam_viec",
        [("Phí cung cấp thông tin lý lịch tư pháp", 200000)],
        "Phiếu lý lịch tư pháp",
        ["Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "Bản chụp giấy tờ tùy thân"],
        [
            {
                "name": "loai_phieu",
                "label": "Loại phiếu",
                "type": "select",
                "required": True,
                "choices": [["1", "Phiếu số 1"], ["2", "Phiếu số 2"]],
            },
            {"name": "so_luong", "label": "Số lượng phiếu", "type": "integer", "required": True},
            {"name": "muc_dich", "label": "Mục đích", "type": "text", "required": False, "max_length": 200},
        ],
    ),
    (
        "Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng",
        "TP",
        False,
        "10",
        "ngay_lam_viec",
        [],
        "Phiếu lý lịch tư pháp",
        ["Văn bản yêu cầu"],
        [],
    ),
    (
        "Đăng ký hoạt động văn phòng công chứng",
        "TP",
        False,
        "10",
        "ngay_lam_viec",
        [("Phí thẩm định", 1000000)],
        "Giấy đăng ký hoạt động",
        ["Đơn đề nghị đăng ký hoạt động", "Quyết định cho phép thành lập"],
        [],
    ),
    (
        "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II",
        "XD",
        False,
        "20",
        "ngay_lam_viec",
        [("Lệ phí cấp giấy phép xây dựng", 150000)],
        "Giấy phép xây dựng",
        ["Đơn đề nghị cấp giấy phép xây dựng", "Bản vẽ thiết kế xây dựng", "Giấy tờ về quyền sử dụng đất"],
        [],
    ),
    (
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "XD",
        True,
        "15",
        "ngay_lam_viec",
        [("Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ", 75000)],
        "Giấy phép xây dựng",
        ["Đơn đề nghị cấp giấy phép xây dựng", "Bản vẽ thiết kế xây dựng", "Giấy tờ về quyền sử dụng đất"],
        [
            {
                "name": "dia_chi_cong_trinh",
                "label": "Địa chỉ công trình",
                "type": "textarea",
                "required": True,
                "max_length": 255,
            },
            {"name": "dien_tich_san", "label": "Tổng diện tích sàn (m²)", "type": "number", "required": True},
            {"name": "so_tang", "label": "Số tầng", "type": "integer", "required": True},
        ],
    ),
    (
        "Cấp giấy phép sửa chữa, cải tạo công trình",
        "XD",
        False,
        "15",
        "ngay_lam_viec",
        [("Lệ phí", 150000)],
        "Giấy phép sửa chữa, cải tạo",
        ["Đơn đề nghị", "Bản vẽ hiện trạng"],
        [],
    ),
    (
        "Đăng ký thành lập doanh nghiệp tư nhân",
        "DKKD",
        False,
        "3",
        "ngay_lam_viec",
        [("Lệ phí đăng ký", 50000)],
        "Giấy chứng nhận đăng ký doanh nghiệp",
        ["Giấy đề nghị đăng ký doanh nghiệp", "Bản sao giấy tờ pháp lý của chủ doanh nghiệp"],
        [
            {
                "name": "ten_doanh_nghiep",
                "label": "Tên doanh nghiệp",
                "type": "text",
                "required": True,
                "max_length": 255,
            },
            {"name": "von_dau_tu", "label": "Vốn đầu tư (đồng)", "type": "number", "required": True},
            {"name": "nganh_nghe", "label": "Ngành, nghề kinh doanh", "type": "textarea", "required": True},
        ],
    ),
    (
        "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
        "DKKD",
        False,
        "3",
        "ngay_lam_viec",
        [("Lệ phí đăng ký", 50000)],
        "Giấy chứng nhận đăng ký doanh nghiệp",
        ["Giấy đề nghị đăng ký doanh nghiệp", "Điều lệ công ty"],
        [
            {
                "name": "ten_doanh_nghiep",
                "label": "Tên doanh nghiệp",
                "type": "text",
                "required": True,
                "max_length": 255,
            },
            {"name": "von_dieu_le", "label": "Vốn điều lệ (đồng)", "type": "number", "required": True},
        ],
    ),
    (
        "Đăng ký thành lập công ty cổ phần",
        "DKKD",
        False,
        "3",
        "ngay_lam_viec",
        [("Lệ phí đăng ký", 50000)],
        "Giấy chứng nhận đăng ký doanh nghiệp",
        ["Giấy đề nghị đăng ký doanh nghiệp", "Điều lệ công ty", "Danh sách cổ đông sáng lập"],
        [],
    ),
    (
        "Đăng ký thành lập hộ kinh doanh",
        "DKKD",
        True,
        "3",
        "ngay_lam_viec",
        [("Lệ phí đăng ký hộ kinh doanh", 100000)],
        "Giấy chứng nhận đăng ký hộ kinh doanh",
        ["Giấy đề nghị đăng ký hộ kinh doanh"],
        [
            {
                "name": "ten_ho_kinh_doanh",
                "label": "Tên hộ kinh doanh",
                "type": "text",
                "required": True,
                "max_length": 255,
            },
            {"name": "dia_diem", "label": "Địa điểm kinh doanh", "type": "textarea", "required": True},
        ],
    ),
    (
        "Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp",
        "GT",
        False,
        "5",
        "ngay_lam_viec",
        [("Lệ phí cấp đổi giấy phép lái xe", 135000)],
        "Giấy phép lái xe",
        ["Đơn đề nghị đổi giấy phép lái xe", "Giấy khám sức khỏe của người lái xe"],
        [
            {
                "name": "so_gplx",
                "label": "Số giấy phép lái xe",
                "type": "text",
                "required": True,
                "max_length": 20,
            },
            {
                "name": "hang",
                "label": "Hạng",
                "type": "select",
                "required": True,
                "choices": ["A1", "A", "B", "C1", "C", "D", "E"],
            },
        ],
    ),
    (
        "Cấp lại giấy phép lái xe",
        "GT",
        False,
        "10",
        "ngay_lam_viec",
        [("Lệ phí cấp lại giấy phép lái xe", 135000)],
        "Giấy phép lái xe",
        ["Đơn đề nghị cấp lại giấy phép lái xe"],
        [],
    ),
    (
        "Đăng ký thường trú",
        "NV",
        True,
        "7",
        "ngay_lam_viec",
        [("Lệ phí đăng ký cư trú", 20000)],
        "Thông báo kết quả đăng ký thường trú",
        ["Tờ khai thay đổi thông tin cư trú", "Giấy tờ chứng minh chỗ ở hợp pháp"],
        [
            {
                "name": "dia_chi_thuong_tru",
                "label": "Địa chỉ đăng ký thường trú",
                "type": "textarea",
                "required": True,
                "max_length": 255,
            }
        ],
    ),
    (
        "Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất lần đầu",
        "DD",
        True,
        "20",
        "ngay_lam_viec",
        [("Lệ phí cấp giấy chứng nhận", 100000)],
        "Giấy chứng nhận quyền sử dụng đất",
        ["Đơn đăng ký, cấp Giấy chứng nhận", "Giấy tờ về quyền sử dụng đất", "Sơ đồ thửa đất"],
        [],
    ),
    (
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        "DD",
        False,
        "10",
        "ngay_lam_viec",
        [("Lệ phí đăng ký biến động", 30000)],
        "Giấy chứng nhận đã chỉnh lý",
        ["Đơn đăng ký biến động đất đai", "Bản gốc Giấy chứng nhận đã cấp"],
        [],
    ),
    (
        "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền",
        "DD",
        True,
        "15",
        "ngay_lam_viec",
        [],
        "Quyết định cho phép chuyển mục đích sử dụng đất",
        ["Đơn xin chuyển mục đích sử dụng đất"],
        [],
    ),
    (
        "Cấp giấy phép hoạt động khám bệnh, chữa bệnh",
        "YT",
        False,
        "60",
        "ngay",
        [("Phí thẩm định", 4300000)],
        "Giấy phép hoạt động",
        ["Đơn đề nghị cấp giấy phép hoạt động", "Danh sách người hành nghề"],
        [],
    ),
    (
        "Cấp giấy chứng nhận cơ sở đủ điều kiện kinh doanh dược",
        "YT",
        False,
        "30",
        "ngay",
        [("Phí thẩm định", 1000000)],
        "Giấy chứng nhận đủ điều kiện kinh doanh dược",
        ["Đơn đề nghị", "Tài liệu kỹ thuật"],
        [],
    ),
    (
        "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        "LD",
        False,
        "5",
        "ngay_lam_viec",
        [("Lệ phí cấp giấy phép lao động", 600000)],
        "Giấy phép lao động",
        ["Văn bản đề nghị", "Giấy chứng nhận sức khỏe"],
        [],
    ),
    (
        "Giải quyết hưởng trợ cấp thất nghiệp",
        "LD",
        False,
        "20",
        "ngay_lam_viec",
        [],
        "Quyết định hưởng trợ cấp thất nghiệp",
        ["Đề nghị hưởng trợ cấp thất nghiệp", "Quyết định thôi việc"],
        [],
    ),
    (
        "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng",
        "BTXH",
        True,
        "20",
        "ngay_lam_viec",
        [],
        "Quyết định hưởng trợ cấp xã hội",
        ["Tờ khai đề nghị trợ giúp xã hội"],
        [],
    ),
    (
        "Công nhận trường trung học phổ thông đạt chuẩn quốc gia",
        "GD",
        False,
        "20",
        "ngay_lam_viec",
        [],
        "Quyết định công nhận",
        ["Tờ trình đề nghị công nhận", "Báo cáo tự đánh giá"],
        [],
    ),
    (
        "Chuyển trường đối với học sinh trung học cơ sở",
        "GD",
        True,
        "3",
        "ngay_lam_viec",
        [],
        "",
        ["Đơn xin chuyển trường", "Học bạ"],
        [
            {"name": "ho_ten_hoc_sinh", "label": "Họ và tên học sinh", "type": "text", "required": True},
            {
                "name": "truong_den",
                "label": "Trường chuyển đến",
                "type": "text",
                "required": True,
                "max_length": 200,
            },
        ],
    ),
    (
        "Cấp giấy phép tổ chức biểu diễn nghệ thuật",
        "VH",
        False,
        "5",
        "ngay_lam_viec",
        [("Phí thẩm định", 1500000)],
        "Văn bản chấp thuận",
        ["Văn bản đề nghị tổ chức biểu diễn"],
        [],
    ),
    (
        "Công nhận gia đình văn hóa",
        "VH",
        True,
        "5",
        "ngay_lam_viec",
        [],
        "Giấy công nhận",
        ["Đơn đề nghị"],
        [],
    ),
    (
        "Cấp giấy chứng nhận đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất, kinh doanh nông, lâm, thủy sản",
        "NN",
        False,
        "15",
        "ngay_lam_viec",
        [("Phí thẩm định", 700000)],
        "Giấy chứng nhận đủ điều kiện an toàn thực phẩm",
        ["Đơn đề nghị cấp giấy chứng nhận", "Bản thuyết minh về cơ sở vật chất"],
        [],
    ),
    (
        "Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai",
        "NN",
        True,
        "10",
        "ngay_lam_viec",
        [],
        "",
        ["Đơn đề nghị hỗ trợ"],
        [],
    ),
    (
        "Cấp giấy phép kinh doanh bán lẻ sản phẩm rượu",
        "CTH",
        True,
        "10",
        "ngay_lam_viec",
        [("Phí thẩm định", 400000)],
        "Giấy phép bán lẻ rượu",
        ["Đơn đề nghị cấp giấy phép"],
        [],
    ),
    (
        "Đăng ký thuế lần đầu đối với hộ kinh doanh, cá nhân kinh doanh",
        "TC",
        False,
        "3",
        "ngay_lam_viec",
        [],
        "Giấy chứng nhận đăng ký thuế",
        ["Tờ khai đăng ký thuế"],
        [],
    ),
    (
        "Cấp giấy phép hoạt động của trạm thu phát sóng",
        "TTTT",
        False,
        "10",
        "ngay_lam_viec",
        [],
        "Giấy phép",
        ["Đơn đề nghị"],
        [],
    ),
    (
        "Cấp giấy chứng nhận đăng ký hoạt động khoa học và công nghệ",
        "KHCN",
        False,
        "15",
        "ngay_lam_viec",
        [],
        "Giấy chứng nhận đăng ký hoạt động",
        ["Đơn đăng ký hoạt động khoa học và công nghệ"],
        [],
    ),
]

_ACTIONS = [
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Điều chỉnh",
    "Gia hạn",
    "Thu hồi",
    "Đăng ký",
    "Công nhận",
    "Thẩm định",
    "Phê duyệt",
    "Xác nhận",
    "Chấp thuận",
    "Đính chính",
    "Hủy bỏ",
    "Thông báo",
]
_OBJECTS: dict[str, list[str]] = {
    "HT": [
        "trích lục hộ tịch",
        "việc nuôi con nuôi",
        "giám hộ",
        "việc thay đổi quốc tịch",
        "hộ tịch có yếu tố nước ngoài",
    ],
    "CT": [
        "chứng thực bản dịch",
        "chứng thực di chúc",
        "văn bản thỏa thuận phân chia di sản",
        "chứng thực văn bản từ chối nhận di sản",
    ],
    "TP": [
        "giấy đăng ký hoạt động của tổ chức hành nghề luật sư",
        "thẻ công chứng viên",
        "thẻ giám định viên tư pháp",
        "giấy đăng ký hoạt động trung tâm trọng tài",
        "thẻ đấu giá viên",
        "giấy phép hoạt động thừa phát lại",
    ],
    "DD": [
        "giấy chứng nhận quyền sử dụng đất",
        "hợp đồng thuê đất",
        "ranh giới thửa đất",
        "tách thửa, hợp thửa đất",
        "quyền sử dụng đất của tổ chức",
        "giá đất cụ thể",
        "phương án bồi thường, hỗ trợ, tái định cư",
    ],
    "MT": [
        "giấy phép môi trường",
        "báo cáo đánh giá tác động môi trường",
        "kế hoạch bảo vệ môi trường",
        "giấy phép khai thác nước dưới đất",
        "giấy phép xả nước thải vào nguồn nước",
        "giấy phép thăm dò khoáng sản",
    ],
    "XD": [
        "chứng chỉ hành nghề hoạt động xây dựng",
        "chứng chỉ năng lực hoạt động xây dựng",
        "thiết kế xây dựng triển khai sau thiết kế cơ sở",
        "báo cáo nghiên cứu khả thi đầu tư xây dựng",
        "giấy phép di dời công trình",
        "nhiệm vụ quy hoạch chi tiết",
    ],
    "DKKD": [
        "đăng ký doanh nghiệp",
        "địa điểm kinh doanh",
        "chi nhánh, văn phòng đại diện",
        "tạm ngừng kinh doanh",
        "thay đổi người đại diện theo pháp luật",
        "thay đổi vốn điều lệ",
        "liên hiệp hợp tác xã",
    ],
    "DT": [
        "chủ trương đầu tư",
        "giấy chứng nhận đăng ký đầu tư",
        "dự án đầu tư theo phương thức đối tác công tư",
        "tiến độ thực hiện dự án đầu tư",
        "ưu đãi đầu tư",
    ],
    "GT": [
        "giấy phép lái xe quốc tế",
        "giấy phép kinh doanh vận tải bằng xe ô tô",
        "phù hiệu xe ô tô kinh doanh vận tải",
        "giấy phép thi công công trình đường bộ",
        "đăng ký phương tiện thủy nội địa",
        "giấy phép xe tập lái",
    ],
    "GD": [
        "trường mầm non tư thục",
        "hoạt động giáo dục của trung tâm ngoại ngữ",
        "bằng tốt nghiệp trung học",
        "văn bằng, chứng chỉ",
        "trường phổ thông dân tộc nội trú",
        "hoạt động dạy thêm, học thêm",
    ],
    "YT": [
        "chứng chỉ hành nghề khám bệnh, chữa bệnh",
        "chứng chỉ hành nghề dược",
        "giấy xác nhận nội dung quảng cáo thực phẩm",
        "cơ sở đủ điều kiện tiêm chủng",
        "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "công bố cơ sở đủ điều kiện xét nghiệm",
    ],
    "LD": [
        "giấy phép hoạt động dịch vụ việc làm",
        "nội quy lao động",
        "thang lương, bảng lương",
        "giấy phép cho thuê lại lao động",
        "hợp đồng cung ứng lao động đi làm việc ở nước ngoài",
        "thỏa ước lao động tập thể",
    ],
    "BTXH": [
        "trợ cấp xã hội cho người cao tuổi",
        "hỗ trợ chi phí mai táng",
        "xác định mức độ khuyết tật",
        "cơ sở trợ giúp xã hội",
        "chính sách đối với người có công",
        "trợ cấp cho trẻ em có hoàn cảnh đặc biệt",
    ],
    "VH": [
        "di tích lịch sử - văn hóa",
        "lễ hội truyền thống",
        "giấy phép kinh doanh karaoke",
        "giấy phép triển lãm mỹ thuật",
        "câu lạc bộ thể dục thể thao",
        "danh hiệu làng văn hóa",
    ],
    "DL": [
        "thẻ hướng dẫn viên du lịch",
        "giấy phép kinh doanh dịch vụ lữ hành nội địa",
        "cơ sở lưu trú du lịch",
        "điểm du lịch",
        "hạng cơ sở lưu trú du lịch",
    ],
    "NN": [
        "giấy chứng nhận kiểm dịch động vật",
        "cơ sở an toàn dịch bệnh",
        "giấy phép khai thác thủy sản",
        "mã số vùng trồng",
        "giống cây trồng",
        "hợp tác xã nông nghiệp",
        "phương án khai thác rừng",
    ],
    "CTH": [
        "giấy phép kinh doanh thuốc lá",
        "giấy chứng nhận đủ điều kiện cửa hàng xăng dầu",
        "giấy phép sử dụng vật liệu nổ công nghiệp",
        "chương trình khuyến mại",
        "giấy phép bán buôn rượu",
        "cụm công nghiệp",
    ],
    "TC": [
        "mã số đơn vị có quan hệ với ngân sách",
        "quyết toán vốn đầu tư dự án hoàn thành",
        "giá tài sản công",
        "miễn, giảm tiền thuê đất",
        "hóa đơn bán tài sản công",
        "phương án sắp xếp nhà, đất",
    ],
    "TTTT": [
        "giấy phép xuất bản bản tin",
        "giấy phép hoạt động in",
        "trang thông tin điện tử tổng hợp",
        "giấy phép thiết lập mạng viễn thông dùng riêng",
        "giấy phép nhập khẩu xuất bản phẩm",
    ],
    "NV": [
        "tổ chức tôn giáo cơ sở",
        "hội có phạm vi hoạt động trong tỉnh",
        "quỹ xã hội, quỹ từ thiện",
        "danh hiệu thi đua",
        "tuyển dụng công chức",
        "thành lập đơn vị sự nghiệp công lập",
        "nâng ngạch công chức",
    ],
    "KHCN": [
        "giấy phép tiến hành công việc bức xạ",
        "đề tài khoa học và công nghệ cấp tỉnh",
        "chuyển giao công nghệ",
        "tổ chức khoa học và công nghệ",
        "giải thưởng sáng tạo khoa học và công nghệ",
    ],
}
_QUALIFIERS = [
    "",
    "",
    " đối với tổ chức",
    " đối với cá nhân",
    " trong trường hợp bị mất, hỏng",
    " do thay đổi thông tin",
    " cho doanh nghiệp nhỏ và vừa",
    " có yếu tố nước ngoài",
    " cấp tỉnh",
    " trên địa bàn tỉnh",
    " theo đề nghị của cơ quan có thẩm quyền",
    " lần đầu",
    " khi hết hạn",
]


def _generated_names(
    rng: random.Random, field_codes: list[str], count: int, taken: set[str]
) -> list[tuple[str, str]]:
    names: list[tuple[str, str]] = []
    attempts = 0
    while len(names) < count and attempts < count * 50:
        attempts += 1
        field = rng.choice(field_codes)
        name = f"{rng.choice(_ACTIONS)} {rng.choice(_OBJECTS[field])}{rng.choice(_QUALIFIERS)}"
        if name not in taken:
            taken.add(name)
            names.append((name, field))
    return names


def _resolve(unit: Unit, on: date, by_pk: dict[int, Unit]) -> Unit | None:
    """The unit carrying ``unit``'s work on ``on``: itself, or its successors after it ended."""
    seen: set[int] = set()
    current: Unit | None = unit
    while current is not None and current.valid_to is not None and current.valid_to < on:
        if current.pk in seen:
            return None
        seen.add(current.pk)
        current = by_pk.get(current.successor_id) if current.successor_id else None
    return current


@demo_loader(order=20, name="catalog")
def load(*, stdout: Any, scale: float = 1.0) -> str:
    rng = random.Random(20230802)  # Plan 165's date: the same catalogue on every machine
    provincial = max(int(PROVINCIAL * scale), 1)
    local = max(int(LOCAL * scale), 1)
    fields = {code: (name, keyword) for code, name, keyword in FIELDS}
    field_rows = {f.code: f for f in Field.objects.filter(code__in=fields)}
    for code, (name, _keyword) in fields.items():
        if code not in field_rows:
            field_rows[code] = Field(code=code, name=name)
            field_rows[code].save()

    # Plan: (code, name, field code, local?, real row or None)
    plan: list[tuple[str, str, str, bool, Any]] = []
    taken = {row[0] for row in REAL}
    real_local = [row for row in REAL if row[2]]
    real_provincial = [row for row in REAL if not row[2]]
    gen_provincial = _generated_names(
        rng,
        [c for c in fields if c not in ("HT", "CT")],
        provincial - len(real_provincial) + ABOLISHED,
        taken,
    )
    gen_local = _generated_names(rng, LOCAL_FIELDS, local - len(real_local), taken)
    n = 100
    for row in real_provincial + real_local:
        n += 1
        plan.append((f"1.{n:06d}", row[0], row[1], row[2], row))
    for name, field in gen_provincial:
        n += 1
        # A share of procedures are provincial ones with the province's suffix.
        suffix = ".H38" if n % 40 == 0 else ""
        plan.append((f"1.{n:06d}{suffix}", name, field, False, None))
    for name, field in gen_local:
        n += 1
        plan.append((f"1.{n:06d}", name, field, True, None))

    existing = set(Procedure.objects.filter(code__in=[p[0] for p in plan]).values_list("code", flat=True))
    todo = [p for p in plan if p[0] not in existing]
    if not todo:
        return f"{len(existing)} thủ tục đã có, không thêm gì"

    all_units = list(Unit.objects.all())
    by_pk = {u.pk: u for u in all_units}
    departments = list(units_in_force(on=BASE, level="so").order_by("code"))
    districts = list(units_in_force(on=BASE, level="huyen").order_by("code"))
    communes = list(units_in_force(on=COMMUNES_FROM, level="xa").order_by("code"))
    if not departments:
        departments = list(units_in_force(on=BASE, level="tinh").order_by("code"))
    dept_for_keyword: dict[str, Unit] = {}
    for _code, (_name, keyword) in fields.items():
        match = next((d for d in departments if keyword in fold(d.name)), None)
        if match is not None:
            dept_for_keyword[keyword] = match

    versions: list[ProcedureVersion] = []
    version_units: list[list[Unit]] = []
    version_real: list[Any] = []
    abolished_left = ABOLISHED if not existing else 0
    with transaction.atomic():
        procedures = Procedure.objects.bulk_create([Procedure(code=p[0]) for p in todo])
        for index, (procedure, (_code, name, field_code, is_local, real)) in enumerate(
            zip(procedures, todo, strict=True)
        ):
            eligible = rng.random() < (0.8 if real else 0.72)
            if eligible:
                level0 = 4 if rng.random() < 0.35 else (3 if rng.random() < 0.85 else 2)
            else:
                level0 = 3 if rng.random() < 0.7 else 2
            upgrade = None
            if level0 < 4 and eligible and rng.random() < 0.93:
                upgrade = BASE + timedelta(days=rng.randint(60, 900))  # March 2023 to mid-2025
            elif level0 == 2 and rng.random() < 0.5:
                upgrade = BASE + timedelta(days=rng.randint(60, 900))
            full_from = BASE if level0 == 4 else (upgrade if eligible else None)
            integrated_from = None
            if full_from is not None and rng.random() < 0.66:
                integrated_from = full_from + timedelta(days=rng.randint(0, 500))
                if integrated_from > date(2025, 11, 30):
                    integrated_from = None
            breaks = {BASE}
            for day in (upgrade, integrated_from):
                if day is not None:
                    breaks.add(day)
            dept = None
            if not is_local and departments:
                dept = dept_for_keyword.get(fields[field_code][1]) or departments[index % len(departments)]
                if dept.valid_to is not None:
                    breaks.add(dept.valid_to + timedelta(days=1))
            if is_local:
                breaks.add(COMMUNES_FROM)
            abolish = None
            if not is_local and not real and abolished_left > 0 and index % 50 == 7:
                abolished_left -= 1
                abolish = date(2024, rng.randint(1, 12), 1) - timedelta(days=1)
                breaks = {b for b in breaks if b <= abolish}
            starts = sorted(breaks)
            limit = Decimal(real[3]) if real else Decimal(rng.choice([1, 3, 5, 7, 10, 15, 20, 30]))
            limit_unit = real[4] if real else "ngay_lam_viec"
            for start in starts:
                level = level0
                if upgrade is not None and start >= upgrade:
                    level = 4 if eligible else 3
                integrated = integrated_from is not None and start >= integrated_from and level == 4
                if is_local:
                    units = districts if start < COMMUNES_FROM else communes
                else:
                    resolved = _resolve(dept, start, by_pk) if dept else None
                    units = [resolved] if resolved else []
                version = ProcedureVersion(
                    procedure=procedure,
                    valid_from=start,
                    abolished_after=abolish if start == starts[-1] else None,
                    name=name,
                    name_folded=fold(name),
                    field=field_rows[field_code],
                    level_province=not is_local,
                    level_district=is_local and start < COMMUNES_FROM,
                    level_commune=is_local and start >= COMMUNES_FROM,
                    online_level=level,
                    eligible_full_process=eligible,
                    integrated_national=integrated,
                    time_limit=limit,
                    time_limit_unit=limit_unit,
                    has_fees=bool(real[5]) if real else rng.random() < 0.4,
                    result_is_document=bool(real[6]) if real else rng.random() < 0.75,
                    result_document_name=real[6] if real else "",
                    steps=(
                        "Bước 1: Tổ chức, cá nhân nộp hồ sơ trực tiếp, trực tuyến hoặc qua bưu chính công ích.\n"
                        "Bước 2: Bộ phận một cửa kiểm tra, tiếp nhận hồ sơ và hẹn trả kết quả.\n"
                        "Bước 3: Cơ quan có thẩm quyền giải quyết và trả kết quả."
                    ),
                    legal_basis="Nghị định số 118/2025/NĐ-CP"
                    if start >= COMMUNES_FROM
                    else "Nghị định số 61/2018/NĐ-CP; Nghị định số 107/2021/NĐ-CP",
                    eform=_form(*real[8]) if real and real[8] else [],
                    extra={"demo": "real_name" if real else "generated"},
                )
                versions.append(version)
                version_units.append(units)
                version_real.append(real)
        ProcedureVersion.objects.bulk_create(versions, batch_size=500)
        through = ProcedureVersion.units.through
        links = [
            through(procedureversion_id=v.pk, unit_id=u.pk)
            for v, units in zip(versions, version_units, strict=True)
            for u in units
        ]
        through.objects.bulk_create(links, batch_size=2000)
        components: list[DossierComponent] = []
        fees: list[FeeLine] = []
        for version, real in zip(versions, version_real, strict=True):
            names = (
                real[7]
                if real
                else ["Đơn đề nghị (theo mẫu)", "Bản sao giấy tờ tùy thân", "Tài liệu chứng minh"][
                    : 1 + version.pk % 3
                ]
            )
            for position, component in enumerate(names, start=1):
                components.append(
                    DossierComponent(
                        version=version,
                        position=position,
                        name=component,
                        required=position == 1 or bool(real),
                    )
                )
            fee_rows = (
                real[5]
                if real
                else ([("Phí thẩm định hồ sơ", 50000 * (1 + version.pk % 6))] if version.has_fees else [])
            )
            for position, (fee_name, amount) in enumerate(fee_rows, start=1):
                fees.append(FeeLine(version=version, position=position, name=fee_name, amount=amount))
        DossierComponent.objects.bulk_create(components, batch_size=2000)
        FeeLine.objects.bulk_create(fees, batch_size=2000)
        # bulk_create sends no post_save: tell the submissions' copies of the catalogue (catalog/terms.py)
        catalogue_terms_stamp_renew()
    return (
        f"{len(todo)} thủ tục, {len(versions)} phiên bản, {len(links)} liên kết đơn vị "
        f"({len(REAL)} tên thật, còn lại tên sinh tự động)"
    )
