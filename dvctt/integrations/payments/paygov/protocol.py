"""PayGov messages and their checksum (spec/national-portal.md §2).

Every message carries ``MaXacThuc`` = hex SHA-256 of its fields, in a fixed order, joined by ``|`` with the
shared secret appended as the last item. The orders of the callback and of QUERY / GET_BILL are the spec's;
the other orders (INIT, and the answers) are **unconfirmed**: chosen here, written down in docs/payments.md,
to be checked against the province's connection papers. Values are compared as text; a missing field counts
as "". Verification is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

VERSION = "1.0.6"
CHECKSUM = "MaXacThuc"
PAID = "00"
#: QUERY answer: the platform has no final result yet (unconfirmed code).
PENDING = "09"
VN = ZoneInfo("Asia/Ho_Chi_Minh")

INIT = "INIT"
QUERY = "QUERY"
GET_BILL = "GET_BILL"
#: ``LoaiBanTin`` of the platform's result callback (unconfirmed: the checksum covers whatever it sends).
RESULT = "PAY_RESULT"

#: Callback (platform → province): the spec's order.
CALLBACK_ORDER = (
    "LoaiBanTin",
    "MaLoi",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "MaTienTe",
    "MaGiaoDich",
    "MaNganHang",
    "ThoiGianGD",
    "ThongTinGiaoDich",
)
#: QUERY and GET_BILL requests: the spec's order.
QUERY_ORDER = ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD")
#: INIT request: unconfirmed — its flat fields in the spec's listing order (``ThongTinBienLai`` is not covered).
INIT_ORDER = (
    "LoaiBanTin",
    "PhienBan",
    "MaDoiTac",
    "MaThamChieu",
    "SoTien",
    "LoaiHinhThanhToan",
    "MaKenhThanhToan",
    "MaThietBi",
    "NgonNgu",
    "MaTienTe",
    "MaNganHang",
    "ThongTinGiaoDich",
    "ThoiGianGD",
    "Ip",
)
#: INIT answer: unconfirmed.
INIT_ANSWER_ORDER = ("LoaiBanTin", "MaLoi", "MaDoiTac", "MaThamChieu", "UrlThanhToan")
#: QUERY answer: unconfirmed — it reports a payment's result, so it is signed like the callback.
QUERY_ANSWER_ORDER = CALLBACK_ORDER
#: GET_BILL answer: unconfirmed.
BILL_ANSWER_ORDER = ("LoaiBanTin", "MaLoi", "MaDoiTac", "MaThamChieu", "SoTien", "SoBienLai")
#: The province's answer to the callback (``MaLoi``, ``MoTaLoi``, ``MaThamChieu``): unconfirmed.
CALLBACK_REPLY_ORDER = ("MaLoi", "MaThamChieu")

#: The province's answer codes to a callback (unconfirmed).
REPLY_OK = "00"
REPLY_BAD_CHECKSUM = "01"
REPLY_UNKNOWN = "02"
REPLY_AMOUNT = "03"
REPLY_OTHER = "99"


def timestamp(moment: datetime) -> str:
    """``yyyyMMddHHmmss``, Vietnam time."""
    return moment.astimezone(VN).strftime("%Y%m%d%H%M%S")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def checksum(fields: Mapping[str, object], order: tuple[str, ...], *, secret: str) -> str:
    joined = "|".join([*(_text(fields.get(name)) for name in order), secret])
    return hashlib.sha256(joined.encode()).hexdigest()


def sign(fields: Mapping[str, object], order: tuple[str, ...], *, secret: str) -> dict[str, object]:
    """The message with its ``MaXacThuc``."""
    body = {name: value for name, value in fields.items() if name != CHECKSUM}
    return {**body, CHECKSUM: checksum(body, order, secret=secret)}


def verify(fields: Mapping[str, object], order: tuple[str, ...], *, secret: str) -> bool:
    given = _text(fields.get(CHECKSUM)).lower()
    if not secret or not given:
        return False
    return hmac.compare_digest(given.encode(), checksum(fields, order, secret=secret).encode())
