from datetime import date

import pytest

from dvctt.agencies.models import Unit, UnitLevel
from dvctt.agencies.services import unit_create, unit_end, unit_update
from dvctt.common.errors import DomainError

pytestmark = pytest.mark.django_db

D0 = date(2000, 1, 1)


def make(code: str, **kwargs) -> Unit:
    return unit_create(code=code, name=f"Đơn vị {code}", level=UnitLevel.DEPARTMENT, valid_from=D0, **kwargs)


def test_create_with_parent_and_successor():
    # given a root and a unit that carries on
    root = make("R")
    heir = make("B", parent_code="R")
    # when a unit is created ended, with a successor
    unit = make("A", parent_code="R", valid_to=date(2025, 2, 28), successor_code="B")
    # then both links are stored
    assert unit.parent == root and unit.successor == heir
    assert unit.history.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"parent_code": "KHONG.CO"}, "parent", "KHONG.CO"),
        ({"valid_to": date(2025, 1, 1), "successor_code": "KHONG.CO"}, "successor", "KHONG.CO"),
        ({"valid_to": date(1999, 12, 31)}, "valid_to", "31/12/1999"),
        ({"successor_code": "B"}, "successor", "hết hiệu lực"),
        ({"valid_to": date(2025, 1, 1), "successor_code": "A"}, "successor", "chính nó"),
    ],
)
def test_create_refuses_bad_input_and_names_the_unit(kwargs, field, words):
    make("B")
    with pytest.raises(DomainError) as exc:
        make("A", **kwargs)
    assert "A" in exc.value.message and words in exc.value.message
    assert field in exc.value.fields
    assert not Unit.objects.filter(code="A").exists()


def test_create_refuses_duplicate_code():
    make("A")
    with pytest.raises(DomainError, match="đã tồn tại"):
        make("A")


def test_end_sets_last_day_and_successor():
    make("B")
    a = make("A")
    unit_end(unit=a, last_day=date(2025, 6, 30), successor_code="B")
    a.refresh_from_db()
    assert a.valid_to == date(2025, 6, 30) and a.successor.code == "B"
    assert a.history.count() == 2


def test_end_refuses_two_step_cycle_and_changes_nothing():
    # given A → B
    b = make("B")
    make("A", valid_to=date(2025, 2, 28), successor_code="B")
    # when B is ended with A as successor
    with pytest.raises(DomainError) as exc:
        unit_end(unit=b, last_day=date(2025, 6, 30), successor_code="A")
    # then it is refused, naming B and the loop, and B is unchanged
    assert "Đơn vị B" in exc.value.message and "B → A → B" in exc.value.message
    b.refresh_from_db()
    assert b.valid_to is None and b.successor is None


def test_end_refuses_longer_cycle():
    c = make("C")
    make("B", valid_to=date(2025, 1, 1), successor_code="C")
    make("A", valid_to=date(2025, 1, 1), successor_code="B")
    with pytest.raises(DomainError, match="vòng lặp"):
        unit_end(unit=c, last_day=date(2025, 6, 30), successor_code="A")
    assert Unit.objects.get(code="C").valid_to is None


def test_end_refuses_self_successor_and_last_day_before_start():
    a = make("A")
    with pytest.raises(DomainError, match="chính nó"):
        unit_end(unit=a, last_day=date(2025, 6, 30), successor_code="A")
    with pytest.raises(DomainError, match="trước ngày bắt đầu"):
        unit_end(unit=a, last_day=date(1990, 1, 1))
    a.refresh_from_db()
    assert a.valid_to is None


def test_update_changes_only_given_fields_and_refuses_parent_cycle():
    make("R")
    a = make("A", parent_code="R", phone="0205 1")
    unit_update(unit=a, name="Tên mới")
    a.refresh_from_db()
    assert a.name == "Tên mới" and a.phone == "0205 1" and a.parent.code == "R"
    r = Unit.objects.get(code="R")
    with pytest.raises(DomainError, match="vòng lặp"):
        unit_update(unit=r, parent_code="A")
    with pytest.raises(DomainError, match="cha của chính nó"):
        unit_update(unit=a, parent_code="A")
    r.refresh_from_db()
    assert r.parent is None


def test_update_clearing_end_date_with_successor_is_refused():
    make("B")
    a = make("A", valid_to=date(2025, 1, 1), successor_code="B")
    with pytest.raises(DomainError, match="hết hiệu lực"):
        unit_update(unit=a, valid_to=None)
    a.refresh_from_db()
    assert a.valid_to == date(2025, 1, 1)
