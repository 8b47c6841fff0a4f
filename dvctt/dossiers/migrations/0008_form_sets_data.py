"""Data: the two form sets (Circular 01/2018/TT-VPCP, Circular 03/2025/TT-VPCP) as the code had them, unconfirmed.

A snapshot of ``dvctt.dossiers.slips.forms.DEFAULT_FORM_SETS`` at this migration (a test keeps the two equal).
Idempotent: a set or form already stored (an administrator's, or an earlier run) is left as it is; the wording
is left empty, which means the default file wording. Reverse: removes what was seeded and never confirmed nor
edited (a set with a confirmed or reworded form stays).
"""

from django.db import migrations

UNCONFIRMED = (
    "Chưa xác nhận: ngày áp dụng và tên mẫu lấy từ mã nguồn (domain.md), chưa đối chiếu văn bản gốc. "
)

SETS = [
    {
        "code": "2018",
        "circular": "01/2018/TT-VPCP",
        "legal_reference": (
            "Thông tư số 01/2018/TT-VPCP của Văn phòng Chính phủ hướng dẫn thi hành một số quy định của "
            "Nghị định số 61/2018/NĐ-CP về thực hiện cơ chế một cửa, một cửa liên thông"
        ),
        "valid_from": "2018-10-23",
        "valid_to": "2025-06-30",
        "note": UNCONFIRMED,
        "forms": [
            ("receipt", "01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", ""),
            ("supplement", "02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", ""),
            ("refusal", "03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", ""),
            ("apology", "04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả", ""),
            ("control", "05", "Phiếu kiểm soát quá trình giải quyết hồ sơ", ""),
            ("register", "06", "Sổ theo dõi hồ sơ", ""),
            (
                "refusal_decision",
                "",
                "Văn bản từ chối giải quyết hồ sơ",
                "Nghị định số 61/2018/NĐ-CP: hồ sơ không đủ điều kiện giải quyết được trả lại kèm thông báo "
                "bằng văn bản nêu rõ lý do",
            ),
        ],
    },
    {
        "code": "2025",
        "circular": "03/2025/TT-VPCP",
        "legal_reference": (
            "Thông tư số 03/2025/TT-VPCP của Văn phòng Chính phủ hướng dẫn thi hành một số nội dung của "
            "Nghị định số 118/2025/NĐ-CP về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông"
        ),
        "valid_from": "2025-07-01",
        "valid_to": None,
        "note": UNCONFIRMED
        + "Một bản tóm tắt công khai ghi Thông tư ký ngày 15/9/2025; Mẫu số 04 “Văn bản xin lỗi và đề nghị gia "
        "hạn thời gian giải quyết”, Mẫu số 05 “Thông báo dừng giải quyết hồ sơ”.",
        "forms": [
            ("receipt", "01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", ""),
            ("supplement", "02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", ""),
            ("refusal", "03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", ""),
            ("apology", "04", "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết", ""),
            ("stop", "05", "Thông báo dừng xử lý hồ sơ", ""),
            ("control", "06", "Phiếu kiểm soát quá trình giải quyết hồ sơ", ""),
            ("register", "07", "Sổ theo dõi hồ sơ", ""),
            (
                "refusal_decision",
                "",
                "Văn bản từ chối giải quyết hồ sơ",
                "Nghị định số 118/2025/NĐ-CP (điều khoản tương ứng: chưa xác nhận)",
            ),
        ],
    },
]


def seed(apps, schema_editor):
    SlipFormSet = apps.get_model("dossiers", "SlipFormSet")
    SlipForm = apps.get_model("dossiers", "SlipForm")
    for spec in SETS:
        form_set, _created = SlipFormSet.objects.get_or_create(
            code=spec["code"],
            defaults={
                "circular": spec["circular"],
                "legal_reference": spec["legal_reference"],
                "valid_from": spec["valid_from"],
                "valid_to": spec["valid_to"],
                "note": spec["note"],
            },
        )
        for kind, number, title, reference in spec["forms"]:
            SlipForm.objects.get_or_create(
                form_set=form_set,
                kind=kind,
                defaults={"number": number, "title": title, "legal_reference": reference},
            )


def unseed(apps, schema_editor):
    SlipFormSet = apps.get_model("dossiers", "SlipFormSet")
    SlipForm = apps.get_model("dossiers", "SlipForm")
    for spec in SETS:
        form_set = SlipFormSet.objects.filter(code=spec["code"], confirmed=False).first()
        if form_set is None:
            continue
        forms = SlipForm.objects.filter(form_set=form_set)
        if forms.filter(confirmed=True).exists() or forms.exclude(wording="").exists():
            continue
        forms.delete()
        form_set.delete()


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0007_form_sets")]

    operations = [migrations.RunPython(seed, unseed)]
