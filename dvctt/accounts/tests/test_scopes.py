import pytest
from django.contrib.auth.models import AnonymousUser

from dvctt.accounts.models import Role, User
from dvctt.accounts.scopes import scope_filter, unit_ids_in_scope, user_can_see_personal_ids
from dvctt.agencies.models import Unit


def make_user(role, unit=None, **kwargs):
    return User.objects.create(
        username=f"u-{role}-{unit.code if unit else ''}", role=role, unit=unit, **kwargs
    )


def ids(units, *codes):
    return {units[c].pk for c in codes}


@pytest.mark.parametrize(
    ("role", "unit", "expected"),
    [
        (Role.ONE_STOP_OFFICER, "D", ("D", "OLD")),
        (Role.SPECIALIST, "D", ("D", "OLD")),
        (Role.SPECIALIST, "E", ("E",)),
        (Role.UNIT_LEADER, "D", ("D", "DC", "OLD")),
        (Role.UNIT_LEADER, "R", ("R", "D", "DC", "E", "OLD")),
        (Role.MONITOR, "D", None),
        (Role.PPC_LEADER, "R", None),
        (Role.ADMIN, None, None),
        (Role.CITIZEN, None, ()),
        (Role.BUSINESS, None, ()),
    ],
)
def test_scope_for_every_role(units, role, unit, expected):
    user = make_user(role, units[unit] if unit else None)
    scope = unit_ids_in_scope(user)
    assert scope == (None if expected is None else ids(units, *expected))
    rows = scope_filter(Unit.objects.all(), user, unit_field="id")
    if expected is None:
        assert rows.count() == Unit.objects.count()
    else:
        assert set(rows.values_list("code", flat=True)) == set(expected)


def test_superuser_citizen_sees_the_province_and_anonymous_or_inactive_nothing(units):
    assert unit_ids_in_scope(make_user(Role.CITIZEN, is_superuser=True)) is None
    assert unit_ids_in_scope(AnonymousUser()) == set()
    assert unit_ids_in_scope(None) == set()
    assert unit_ids_in_scope(make_user(Role.SPECIALIST, units["E"], is_active=False)) == set()
    assert scope_filter(Unit.objects.all(), AnonymousUser(), unit_field="id").count() == 0


def test_scope_filter_on_a_related_field(units):
    # given officials in two departments (any table with a unit foreign key works the same)
    make_user(Role.SPECIALIST, units["D"])
    make_user(Role.SPECIALIST, units["E"])
    leader = make_user(Role.UNIT_LEADER, units["D"])
    visible = scope_filter(User.objects.filter(role=Role.SPECIALIST), leader)
    assert [u.unit.code for u in visible] == ["D"]


def test_scope_costs_two_queries_once_per_user_object(units, django_assert_num_queries):
    leader = make_user(Role.UNIT_LEADER, units["D"])
    with django_assert_num_queries(2):
        unit_ids_in_scope(leader)
    with django_assert_num_queries(0):
        unit_ids_in_scope(leader)


@pytest.mark.parametrize(
    ("role", "unit", "sees_d", "sees_e"),
    [
        (Role.ONE_STOP_OFFICER, "D", True, False),
        (Role.SPECIALIST, "D", True, False),
        (Role.UNIT_LEADER, "D", True, False),
        (Role.MONITOR, "D", True, True),
        (Role.ADMIN, None, True, True),
        (Role.PPC_LEADER, "R", False, False),
        (Role.CITIZEN, None, False, False),
        (Role.BUSINESS, None, False, False),
    ],
)
def test_who_sees_personal_ids(units, role, unit, sees_d, sees_e):
    user = make_user(role, units[unit] if unit else None)
    assert user_can_see_personal_ids(user, units["D"]) is sees_d
    assert user_can_see_personal_ids(user, units["E"].pk) is sees_e
    # records of a unit the official's unit took over count as its own
    assert user_can_see_personal_ids(user, units["OLD"]) is sees_d


def test_personal_ids_superuser_yes_anonymous_no(units):
    assert user_can_see_personal_ids(make_user(Role.CITIZEN, is_superuser=True), units["E"])
    assert not user_can_see_personal_ids(AnonymousUser(), units["E"])
    assert not user_can_see_personal_ids(make_user(Role.SPECIALIST, units["D"]), None)
