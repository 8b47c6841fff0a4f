import io
from datetime import date

import pytest

from dvctt.agencies import demo
from dvctt.agencies.models import Unit, UnitLevel
from dvctt.agencies.selectors import unit_heir_map, units_in_force

pytestmark = pytest.mark.django_db


def test_demo_loader_is_idempotent_and_builds_lang_son(django_assert_max_num_queries):
    # when loaded twice
    demo.load(stdout=io.StringIO(), scale=1.0)
    count = Unit.objects.count()
    with django_assert_max_num_queries(2):
        demo.load(stdout=io.StringIO(), scale=1.0)
    # then nothing changes the second time
    assert Unit.objects.count() == count
    # and the structure is Lạng Sơn's before and after 2025
    before = units_in_force(on=date(2025, 6, 30))
    after = units_in_force(on=date(2025, 7, 1))
    assert before.filter(level=UnitLevel.DISTRICT).count() == 11
    assert after.filter(level=UnitLevel.DISTRICT).count() == 0
    assert after.filter(level=UnitLevel.COMMUNE).count() == 65
    assert units_in_force(on=date(2025, 2, 28), level="so").filter(name="Sở Kế hoạch và Đầu tư").exists()
    assert not units_in_force(on=date(2025, 3, 1), level="so").filter(name="Sở Kế hoạch và Đầu tư").exists()
    heirs = unit_heir_map()
    by_name = dict(Unit.objects.values_list("name", "code"))

    def heir(name):
        return Unit.objects.get(code=heirs[by_name[name]]).name

    assert heir("Sở Kế hoạch và Đầu tư") == "Sở Tài chính"
    assert heir("Sở Giao thông vận tải") == "Sở Xây dựng"
    assert heir("Sở Tài nguyên và Môi trường") == "Sở Nông nghiệp và Môi trường"
    assert heir("Sở Nông nghiệp và Phát triển nông thôn") == "Sở Nông nghiệp và Môi trường"
    assert heir("Sở Thông tin và Truyền thông") == "Sở Khoa học và Công nghệ"
    assert heir("Sở Lao động - Thương binh và Xã hội") == "Sở Nội vụ"
    assert heir("UBND huyện Tràng Định") == "UBND xã Thất Khê"
    assert heir("UBND thành phố Lạng Sơn") == "UBND phường Lương Văn Tri"
    # every unit has an heir that exists today
    assert set(heirs) == set(by_name.values())
