"""The register of difficulties and proposals: filed by an agency, assigned, escalated to the PPC, answered (the
filer is told), closed; who sees and does what; the history and the age of open items."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from dvctt.common.errors import AccessDenied, ConflictError, DomainError
from dvctt.steering import selectors, services
from dvctt.steering.models import Difficulty, DifficultyState


@pytest.fixture
def filed(people) -> Difficulty:
    return services.difficulty_file(
        actor=people["just_officer"],
        category="connection",
        subject="Mất kết nối đồng bộ hồ sơ lên Cổng DVCQG",
        content="Hồ sơ không đồng bộ được trạng thái từ ngày 02.",
        at=timezone.now() - timedelta(days=6),
    )


def _seen(people) -> dict[str, set[int]]:
    return {
        name: set(selectors.difficulties_visible_to(u).values_list("pk", flat=True))
        for name, u in people.items()
    }


def test_an_agency_files_and_sees_its_own(filed, people, units):
    assert filed.filer_unit == units["just"] and filed.state == DifficultyState.FILED
    seen = _seen(people)
    assert (
        filed.pk in seen["just_officer"] and filed.pk in seen["just_leader"] and filed.pk in seen["monitor"]
    )
    assert filed.pk not in seen["home_officer"] | seen["sci_leader"] | seen["ppc"] | seen["citizen"]
    assert selectors.difficulty_age_days(filed, today=timezone.localdate()) == 6
    for who in ("monitor", "ppc", "citizen"):
        with pytest.raises(AccessDenied):
            services.difficulty_file(actor=people[who], category="law", subject="x", content="y")
    with pytest.raises(DomainError):
        services.difficulty_file(actor=people["just_officer"], category="bogus", subject="x", content="y")
    with pytest.raises(DomainError, match="Không có thủ tục"):
        services.difficulty_file(
            actor=people["just_officer"],
            category="procedure",
            subject="x",
            content="y",
            procedure_code="9.999999",
        )


def test_assigned_to_a_unit_which_answers_and_the_filer_is_told(
    filed, people, units, settings, django_capture_on_commit_callbacks
):
    settings.DVCTT_NOTIFICATION_CHANNELS = ["email"]
    with pytest.raises(AccessDenied):  # only the department assigns
        services.difficulty_move(
            actor=people["just_leader"], difficulty_id=filed.pk, action="assign", unit_id=units["home"].pk
        )
    with pytest.raises(DomainError):  # to someone
        services.difficulty_move(actor=people["monitor"], difficulty_id=filed.pk, action="assign")
    services.difficulty_move(
        actor=people["monitor"], difficulty_id=filed.pk, action="assign", unit_id=units["home"].pk
    )
    # the assigned unit now sees it and may answer; the PPC may not
    assert filed.pk in _seen(people)["home_officer"]
    with pytest.raises(AccessDenied):
        services.difficulty_move(actor=people["ppc"], difficulty_id=filed.pk, action="answer", answer="x")
    with pytest.raises(DomainError):  # an answer says something
        services.difficulty_move(
            actor=people["home_officer"], difficulty_id=filed.pk, action="answer", answer="  "
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        item = services.difficulty_move(
            actor=people["home_officer"],
            difficulty_id=filed.pk,
            action="answer",
            answer="Đã khắc phục kết nối ngày 10.",
        )
    assert item.state == DifficultyState.ANSWERED and item.answered_by == people["home_officer"]
    assert [m.to for m in mail.outbox] == [["motcua.stp@langson.gov.vn"]]
    assert "Đã khắc phục kết nối ngày 10." in mail.outbox[0].body
    # the age stops at the answer
    assert selectors.difficulty_age_days(item, today=timezone.localdate() + timedelta(days=30)) == 6
    # the filer closes it; nothing moves after
    with pytest.raises(AccessDenied):
        services.difficulty_move(actor=people["sci_leader"], difficulty_id=filed.pk, action="close")
    services.difficulty_move(actor=people["just_officer"], difficulty_id=filed.pk, action="close")
    with pytest.raises(ConflictError):
        services.difficulty_move(
            actor=people["monitor"], difficulty_id=filed.pk, action="answer", answer="again"
        )
    history = list(item.events.values_list("action", "from_state", "to_state", "actor__username"))
    assert history == [
        ("file", "", "filed", "motcua.stp"),
        ("assign", "filed", "assigned", "giamsat"),
        ("answer", "assigned", "answered", "chuyenvien.snv"),
        ("close", "answered", "closed", "motcua.stp"),
    ]


def test_escalated_to_the_ppc_which_sees_and_answers(filed, people):
    assert filed.pk not in _seen(people)["ppc"]
    with pytest.raises(AccessDenied):
        services.difficulty_move(actor=people["just_leader"], difficulty_id=filed.pk, action="escalate")
    services.difficulty_move(
        actor=people["monitor"], difficulty_id=filed.pk, action="escalate", note="Vượt thẩm quyền"
    )
    assert filed.pk in _seen(people)["ppc"]
    assert [
        m.name
        for m in services.difficulty_moves_for(actor=people["ppc"], item=Difficulty.objects.get(pk=filed.pk))
    ] == ["answer"]
    item = services.difficulty_move(
        actor=people["ppc"], difficulty_id=filed.pk, action="answer", answer="Giao Sở KH&CN làm việc với Bộ."
    )
    assert item.state == DifficultyState.ANSWERED and item.escalated_at is not None
    # answered, it stays in the PPC's list
    assert filed.pk in _seen(people)["ppc"]


def test_the_dashboard_counts_open_items_and_the_oldest_age(filed, people):
    services.difficulty_file(
        actor=people["home_officer"], category="staffing", subject="Thiếu cán bộ", content="..."
    )
    monitor = selectors.dashboard_task_summary(people["monitor"], timezone.localdate())
    assert (monitor.open_difficulties, monitor.oldest_open_days) == (2, 6)
    home = selectors.dashboard_task_summary(people["home_officer"], timezone.localdate())
    assert (home.open_difficulties, home.oldest_open_days) == (1, 0)
