"""Writes of steering: tasks (entered, imported, reported on, closed, reminded) and difficulties (filed, assigned,
escalated, answered, closed). Every change writes its event in the same transaction; notifications go out after
commit (steering.notifications)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dvctt.accounts.models import Role
from dvctt.common.errors import AccessDenied, ConflictError, DomainError, NotFoundError
from dvctt.common.text import FREE_TEXT_MAX_CHARS
from dvctt.plans.sheets import SheetError

from . import access
from .models import (
    Difficulty,
    DifficultyCategory,
    DifficultyEvent,
    DifficultyState,
    PlanTask,
    TaskEvent,
    TaskProgress,
    TaskProgressFile,
    TaskState,
)
from .notifications import staff_notifications_retry, staff_notify
from .selectors import nearly_due_limit, nearly_due_q, overdue_q, task_may_complete, task_report_units
from .sheets import parse_tasks_sheet


def _changed() -> None:
    """Cached panel figures (selectors.dashboard_task_summary) are stale from now, and again after commit."""
    from .selectors import steering_changed

    steering_changed()
    transaction.on_commit(steering_changed)


MAX_LINKS = 10
MAX_FILES = 5


class TaskSheetRejected(DomainError):
    """A task sheet with errors: nothing of it was saved. ``errors`` lists each with its row and column."""

    code = "sheet_rejected"

    def __init__(self, errors: Sequence[SheetError]):
        self.errors = list(errors)
        super().__init__(
            _("Bảng tính có %(n)s lỗi, không lưu nhiệm vụ nào: %(first)s")
            % {"n": len(self.errors), "first": "; ".join(str(e) for e in self.errors[:5])},
            fields={"file": [str(e) for e in self.errors]},
        )


def _text(
    value: str, *, label: str, field: str, required: bool = True, limit: int = FREE_TEXT_MAX_CHARS
) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(_("Hãy nhập %(label)s.") % {"label": label}, fields={field: [_("Bắt buộc.")]})
    if len(text) > limit:
        raise DomainError(
            _("%(label)s dài quá %(n)s ký tự.")
            % {"label": label.capitalize(), "n": f"{limit:,}".replace(",", ".")},
            fields={field: [_("Tối đa %(n)s ký tự.") % {"n": limit}]},
        )
    return text


def _task_event(task: PlanTask, *, action: str, actor: Any, payload: dict[str, Any] | None = None) -> None:
    _changed()
    TaskEvent.objects.create(task=task, action=action, actor=actor, at=timezone.now(), payload=payload or {})


def _check_dates(start_date: date | None, deadline: date) -> None:
    if start_date is not None and deadline < start_date:
        raise DomainError(
            _("Hạn hoàn thành %(d)s trước ngày bắt đầu %(s)s.")
            % {"d": f"{deadline:%d/%m/%Y}", "s": f"{start_date:%d/%m/%Y}"},
            fields={"deadline": [_("Phải sau hoặc bằng ngày bắt đầu.")]},
        )


# Tasks ------------------------------------------------------------------------------------------------------


def task_create(
    *,
    actor: Any,
    plan: Any,
    code: str,
    title: str,
    lead_unit: Any,
    deadline: date,
    cooperating_units: Iterable[Any] = (),
    start_date: date | None = None,
    description: str = "",
    expected_result: str = "",
) -> PlanTask:
    """A new task of ``plan`` (the department only). ConflictError when the plan has the code already."""
    if not access.can_manage_tasks(actor):
        raise AccessDenied(_("Chỉ cán bộ theo dõi kế hoạch được giao nhiệm vụ."))
    code = _text(code, label=_("mã nhiệm vụ"), field="code", limit=32)
    title = _text(title, label=_("tên nhiệm vụ"), field="title", limit=500)
    _check_dates(start_date, deadline)
    try:
        with transaction.atomic():
            task = PlanTask.objects.create(
                plan=plan,
                code=code,
                title=title,
                description=_text(description, label=_("nội dung"), field="description", required=False),
                lead_unit=lead_unit,
                start_date=start_date,
                deadline=deadline,
                expected_result=_text(
                    expected_result, label=_("kết quả dự kiến"), field="expected_result", required=False
                ),
                created_by=actor,
            )
            cooperating = [u for u in cooperating_units if u.pk != lead_unit.pk]
            task.cooperating_units.set(cooperating)
            _task_event(
                task,
                action="create",
                actor=actor,
                payload={"deadline": deadline.isoformat(), "lead": lead_unit.code},
            )
    except IntegrityError:
        raise ConflictError(
            _("Kế hoạch đã có nhiệm vụ mã “%(code)s”.") % {"code": code},
            code="task_exists",
            fields={"code": [_("Mã đã dùng.")]},
        ) from None
    return task


def _units_by_key() -> dict[str, int]:
    from dvctt.agencies.models import Unit
    from dvctt.common.text import fold

    out: dict[str, int] = {}
    rows = list(Unit.objects.values_list("pk", "code", "name"))
    for pk, _code, name in rows:
        out.setdefault(" ".join(fold(name).split()), pk)
    for pk, code, _name in rows:
        out[code] = pk  # a code wins over a name
    return out


def tasks_import(*, actor: Any, plan: Any, stream: IO[bytes] | bytes) -> dict[str, int]:
    """Import tasks from a sheet (steering.sheets describes it): new codes create tasks, known codes update them.

    Any error rejects the whole sheet (TaskSheetRejected, every error with its row and column): nothing saved.
    """
    if not access.can_manage_tasks(actor):
        raise AccessDenied(_("Chỉ cán bộ theo dõi kế hoạch được nhập nhiệm vụ."))
    rows, errors = parse_tasks_sheet(stream, units_by_key=_units_by_key())
    if errors:
        raise TaskSheetRejected(errors)
    created = updated = 0
    with transaction.atomic():
        existing = {
            t.code: t
            for t in PlanTask.objects.select_for_update().filter(plan=plan, code__in=[r.code for r in rows])
        }
        for row in rows:
            values = {
                "title": row.title,
                "description": row.description,
                "lead_unit_id": row.lead,
                "start_date": row.start_date,
                "deadline": row.deadline,
                "expected_result": row.expected_result,
            }
            task = existing.get(row.code)
            if task is None:
                task = PlanTask.objects.create(plan=plan, code=row.code, created_by=actor, **values)
                task.cooperating_units.set(row.cooperating)
                _task_event(task, action="import", actor=actor, payload={"row": row.row})
                created += 1
                continue
            changed = {
                name: (str(getattr(task, name)), str(value))
                for name, value in values.items()
                if getattr(task, name) != value
            }
            before = set(task.cooperating_units.values_list("pk", flat=True))
            if before != set(row.cooperating):
                changed["cooperating_units"] = (sorted(before), sorted(row.cooperating))  # type: ignore[assignment]
                task.cooperating_units.set(row.cooperating)
            if changed:
                for name, value in values.items():
                    setattr(task, name, value)
                task.save(update_fields=[*values, "updated_at"])
                _task_event(
                    task, action="import_update", actor=actor, payload={"row": row.row, "changed": changed}
                )
                updated += 1
    return {"rows": len(rows), "created": created, "updated": updated}


@dataclass(frozen=True)
class EvidenceFile:
    name: str
    upload: Any  # an UploadedFile


def _links(links: Iterable[str]) -> list[str]:
    out: list[str] = []
    for raw in links:
        link = (raw or "").strip()
        if not link:
            continue
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(link) > 500:
            raise DomainError(
                _("Đường dẫn “%(l)s” không hợp lệ: dùng địa chỉ bắt đầu bằng http:// hoặc https://.")
                % {"l": link[:80]},
                fields={"links": [_("Không hợp lệ.")]},
            )
        out.append(link)
    if len(out) > MAX_LINKS:
        raise DomainError(
            _("Tối đa %(n)s đường dẫn một lần báo cáo.") % {"n": MAX_LINKS},
            fields={"links": [_("Quá nhiều.")]},
        )
    return out


def task_progress_add(
    *,
    actor: Any,
    task_id: int,
    unit_id: int,
    text: str,
    percent: int,
    links: Iterable[str] = (),
    files: Sequence[EvidenceFile] = (),
) -> TaskProgress:
    """An agency's progress report on an open task, with evidence (text, links, files checked as dossier files
    are). The actor must report for a unit of the task within their scope (or be the department). The lead
    unit's report sets the task's percent."""
    from dvctt.dossiers.files import upload_check

    text = _text(text, label=_("kết quả thực hiện"), field="text")
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        percent = -1
    if not 0 <= percent <= 100:
        raise DomainError(_("Tiến độ phải từ 0 đến 100%."), fields={"percent": [_("Từ 0 đến 100.")]})
    clean_links = _links(links)
    if len(files) > MAX_FILES:
        raise DomainError(
            _("Tối đa %(n)s tệp một lần báo cáo.") % {"n": MAX_FILES}, fields={"files": [_("Quá nhiều.")]}
        )
    checked = [(f, upload_check(upload=f.upload, label=f.name)) for f in files]
    with transaction.atomic():
        task = PlanTask.objects.select_for_update().filter(pk=task_id).first()
        if task is None:
            raise NotFoundError(_("Không có nhiệm vụ này."))
        allowed = {u.pk: u for u in task_report_units(user=actor, task=task)}
        if unit_id not in allowed:
            raise AccessDenied(_("Bạn không báo cáo được cho đơn vị này về nhiệm vụ này."))
        if task.state != TaskState.OPEN:
            raise ConflictError(
                _("Nhiệm vụ “%(t)s” đã %(s)s: không nhận báo cáo mới.")
                % {"t": task.code, "s": task.get_state_display().lower()},
                code="task_closed",
            )
        progress = TaskProgress.objects.create(
            task=task, unit_id=unit_id, author=actor, text=text, percent=percent, links=clean_links
        )
        for item, info in checked:
            stored = TaskProgressFile(
                progress=progress,
                name=item.name[:255],
                content_type=info.content_type,
                size=info.size,
                sha256=info.sha256,
            )
            stored.file.save(info.name, item.upload, save=False)
            stored.save()
        fields = ["last_progress_at", "updated_at"]
        task.last_progress_at = progress.created_at
        if unit_id == task.lead_unit_id:
            task.percent = percent
            fields.append("percent")
        task.save(update_fields=fields)
        _task_event(
            task,
            action="progress",
            actor=actor,
            payload={
                "progress": progress.pk,
                "unit": allowed[unit_id].code,
                "percent": percent,
                "files": len(checked),
            },
        )
    return progress


TASK_MOVES: dict[str, tuple[frozenset[str], str]] = {
    "done": (frozenset({TaskState.OPEN}), TaskState.DONE),
    "cancel": (frozenset({TaskState.OPEN}), TaskState.CANCELLED),
    "reopen": (frozenset({TaskState.DONE, TaskState.CANCELLED}), TaskState.OPEN),
}
TASK_ACTION_LABELS = {
    "create": gettext_lazy("Giao nhiệm vụ"),
    "import": gettext_lazy("Nhập từ Excel"),
    "import_update": gettext_lazy("Cập nhật từ Excel"),
    "progress": gettext_lazy("Báo cáo tiến độ"),
    "reminded": gettext_lazy("Nhắc hạn"),
}
TASK_MOVE_LABELS = {
    "done": gettext_lazy("Xác nhận hoàn thành"),
    "cancel": gettext_lazy("Dừng thực hiện"),
    "reopen": gettext_lazy("Mở lại"),
}


def task_moves_for(*, actor: Any, task: PlanTask) -> list[str]:
    out = []
    for name, (sources, _target) in TASK_MOVES.items():
        if task.state not in sources:
            continue
        if (name == "done" and task_may_complete(user=actor, task=task)) or (
            name != "done" and access.can_manage_tasks(actor)
        ):
            out.append(name)
    return out


def task_move(
    *, actor: Any, task_id: int, action: str, note: str = "", today: date | None = None
) -> PlanTask:
    """Mark a task done (the department or the lead unit's leader), cancel or reopen it (the department)."""
    if action not in TASK_MOVES:
        raise ConflictError(_("Thao tác “%(a)s” không có.") % {"a": action}, code="unknown_action")
    note = _text(note, label=_("ghi chú"), field="note", required=action == "cancel")
    with transaction.atomic():
        task = PlanTask.objects.select_for_update().select_related("lead_unit").filter(pk=task_id).first()
        if task is None:
            raise NotFoundError(_("Không có nhiệm vụ này."))
        if action not in task_moves_for(actor=actor, task=task):
            if task.state not in TASK_MOVES[action][0]:
                raise ConflictError(
                    _("Không thể “%(m)s” nhiệm vụ đang ở trạng thái “%(s)s”.")
                    % {"m": TASK_MOVE_LABELS[action], "s": task.get_state_display()},
                    code="illegal_move",
                )
            raise AccessDenied(
                _("Bạn không có quyền “%(m)s” nhiệm vụ này.") % {"m": TASK_MOVE_LABELS[action]}
            )
        before = task.state
        task.state = TASK_MOVES[action][1]
        task.completed_on = (today or timezone.localdate()) if action == "done" else None
        fields = ["state", "completed_on", "updated_at"]
        if action == "done":
            task.percent = 100
            fields.append("percent")
        task.save(update_fields=fields)
        _task_event(
            task, action=action, actor=actor, payload={"from": before, "to": task.state, "note": note}
        )
    return task


def _leaders_of(unit_id: int) -> list[Any]:
    from dvctt.accounts.models import User

    return list(User.objects.filter(role=Role.UNIT_LEADER, unit_id=unit_id, is_active=True).order_by("pk"))


def tasks_remind(*, today: date | None = None) -> dict[str, int]:
    """Remind the lead unit's leaders of every overdue or nearly due open task, once per task per day.

    A reminder is a ``reminded`` event of the task for ``today`` and a message to each active leader of the lead
    unit through the enabled channels; run again the same day, it does nothing new. Failed messages are retried.
    Returns counts: tasks reminded now, messages created, tasks whose lead unit has no leader account.
    """
    today = today or timezone.localdate()
    limit = nearly_due_limit(today=today)
    due = PlanTask.objects.filter(
        overdue_q(today=today) | nearly_due_q(today=today, limit=limit)
    ).select_related("lead_unit", "plan")
    reminded = messages = leaderless = 0
    day = today.isoformat()
    for task in due.order_by("deadline", "pk"):
        with transaction.atomic():
            locked = PlanTask.objects.select_for_update().get(pk=task.pk)
            if TaskEvent.objects.filter(task=locked, action="reminded", payload__day=day).exists():
                continue
            overdue = task.deadline < today
            leaders = _leaders_of(task.lead_unit_id)
            subject = (
                _("Nhiệm vụ %(code)s đã quá hạn") if overdue else _("Nhiệm vụ %(code)s sắp đến hạn")
            ) % {"code": task.code}
            body = "\n".join(
                [
                    _("Kính gửi lãnh đạo %(unit)s,") % {"unit": task.lead_unit.name},
                    _(
                        "Nhiệm vụ “%(title)s” (%(code)s) của %(plan)s do đơn vị chủ trì có hạn hoàn thành ngày %(d)s%(late)s."
                    )
                    % {
                        "title": task.title,
                        "code": task.code,
                        "plan": task.plan.decision_number,
                        "d": f"{task.deadline:%d/%m/%Y}",
                        "late": _(", đã quá hạn %(n)s ngày") % {"n": (today - task.deadline).days}
                        if overdue
                        else "",
                    },
                    _("Tiến độ báo cáo gần nhất: %(p)s%%.") % {"p": task.percent},
                    _("Đề nghị đơn vị cập nhật tiến độ trên hệ thống tại mục Theo dõi › Nhiệm vụ."),
                ]
            )
            for leader in leaders:
                messages += len(
                    staff_notify(user=leader, key=f"task-remind:{task.pk}:{day}", subject=subject, body=body)
                )
            if not leaders:
                leaderless += 1
            _task_event(
                locked,
                action="reminded",
                actor=None,
                payload={"day": day, "overdue": overdue, "leaders": [u.pk for u in leaders]},
            )
            reminded += 1
    retried = staff_notifications_retry()
    return {"tasks": reminded, "messages": messages, "leaderless": leaderless, "retried": retried}


# Difficulties -----------------------------------------------------------------------------------------------


ASSIGNEE = "assignee"  # the assigned official, or an official whose scope holds the assigned unit
PPC = "ppc"  # a PPC leader, on an item escalated to the PPC
FILER = "filer"  # the author, or the leader of the filer unit


@dataclass(frozen=True)
class DifficultyMove:
    name: str
    label: Any
    sources: frozenset[str]
    target: str
    who: frozenset[str]  # "department", ASSIGNEE, PPC, FILER


DEPARTMENT = "department"
DIFFICULTY_MOVES: dict[str, DifficultyMove] = {
    m.name: m
    for m in (
        DifficultyMove(
            "assign",
            gettext_lazy("Giao xử lý"),
            frozenset({DifficultyState.FILED, DifficultyState.ASSIGNED}),
            DifficultyState.ASSIGNED,
            frozenset({DEPARTMENT}),
        ),
        DifficultyMove(
            "escalate",
            gettext_lazy("Trình UBND tỉnh"),
            frozenset({DifficultyState.FILED, DifficultyState.ASSIGNED}),
            DifficultyState.ESCALATED_PPC,
            frozenset({DEPARTMENT}),
        ),
        DifficultyMove(
            "answer",
            gettext_lazy("Trả lời"),
            frozenset({DifficultyState.FILED, DifficultyState.ASSIGNED, DifficultyState.ESCALATED_PPC}),
            DifficultyState.ANSWERED,
            frozenset({DEPARTMENT, ASSIGNEE, PPC}),
        ),
        DifficultyMove(
            "close",
            gettext_lazy("Đóng"),
            frozenset({DifficultyState.ANSWERED}),
            DifficultyState.CLOSED,
            frozenset({DEPARTMENT, FILER}),
        ),
    )
}


def difficulty_action_label(action: str) -> str:
    if action == "file":
        return _("Gửi")
    move = DIFFICULTY_MOVES.get(action)
    return str(move.label) if move else action


def _may_move(actor: Any, move: DifficultyMove, item: Difficulty) -> bool:
    if not access.can_use_steering(actor):
        return False
    if DEPARTMENT in move.who and access.is_department(actor):
        return True
    if PPC in move.who and item.state == DifficultyState.ESCALATED_PPC and access.is_ppc_leader(actor):
        return True
    if ASSIGNEE in move.who and item.state == DifficultyState.ASSIGNED:
        if item.assigned_user_id == actor.pk:
            return True
        if item.assigned_unit_id is not None and actor.role in (Role.UNIT_LEADER, Role.SPECIALIST):
            return item.assigned_unit_id in (access.scope_ids(actor) or set())
    if FILER in move.who:
        if item.author_id == actor.pk:
            return True
        if actor.role == Role.UNIT_LEADER:
            return item.filer_unit_id in (access.scope_ids(actor) or set())
    return False


def difficulty_moves_for(*, actor: Any, item: Difficulty) -> list[DifficultyMove]:
    return [m for m in DIFFICULTY_MOVES.values() if item.state in m.sources and _may_move(actor, m, item)]


def _difficulty_event(
    item: Difficulty,
    *,
    action: str,
    before: str,
    actor: Any,
    note: str = "",
    payload: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> DifficultyEvent:
    _changed()
    return DifficultyEvent.objects.create(
        difficulty=item,
        action=action,
        from_state=before,
        to_state=item.state,
        actor=actor,
        at=at or timezone.now(),
        note=note,
        payload=payload or {},
    )


def difficulty_file(
    *,
    actor: Any,
    category: str,
    subject: str,
    content: str,
    procedure_code: str = "",
    task_id: int | None = None,
    at: datetime | None = None,
) -> Difficulty:
    """An agency files a difficulty or proposal for its unit (officials of a unit only)."""
    if not access.can_file_difficulty(actor):
        raise AccessDenied(_("Chỉ cán bộ của một cơ quan, đơn vị gửi được khó khăn, đề xuất."))
    if category not in DifficultyCategory.values:
        raise DomainError(_("Hãy chọn loại khó khăn, đề xuất."), fields={"category": [_("Không hợp lệ.")]})
    subject = _text(subject, label=_("tiêu đề"), field="subject", limit=255)
    content = _text(content, label=_("nội dung"), field="content")
    procedure = None
    if (procedure_code or "").strip():
        from dvctt.catalog.models import Procedure

        procedure = Procedure.objects.filter(code=procedure_code.strip()).first()
        if procedure is None:
            raise DomainError(
                _("Không có thủ tục mã “%(c)s”.") % {"c": procedure_code.strip()},
                fields={"procedure": [_("Không có thủ tục này.")]},
            )
    task = None
    if task_id:
        from .selectors import tasks_visible_to

        task = tasks_visible_to(actor).filter(pk=task_id).first()
        if task is None:
            raise DomainError(_("Không có nhiệm vụ này."), fields={"task": [_("Không hợp lệ.")]})
    with transaction.atomic():
        item = Difficulty.objects.create(
            filer_unit_id=actor.unit_id,
            author=actor,
            category=category,
            subject=subject,
            content=content,
            procedure=procedure,
            task=task,
            filed_at=at or timezone.now(),
        )
        _difficulty_event(item, action="file", before="", actor=actor, at=item.filed_at)
    return item


def difficulty_move(
    *,
    actor: Any,
    difficulty_id: int,
    action: str,
    note: str = "",
    answer: str = "",
    unit_id: int | None = None,
    user_id: int | None = None,
    at: datetime | None = None,
) -> Difficulty:
    """Assign (to a unit or an official), escalate to the PPC, answer, or close a difficulty, locked for the move.

    Raises NotFoundError, AccessDenied, ConflictError (not from this state) or DomainError (missing answer or
    assignee). An answer is sent to the filer (after commit).
    """
    move = DIFFICULTY_MOVES.get(action)
    if move is None:
        raise ConflictError(_("Thao tác “%(a)s” không có.") % {"a": action}, code="unknown_action")
    note = _text(note, label=_("ghi chú"), field="note", required=False)
    if action == "answer":
        answer = _text(answer, label=_("nội dung trả lời"), field="answer")
    with transaction.atomic():
        item = Difficulty.objects.select_for_update().filter(pk=difficulty_id).first()
        if item is None:
            raise NotFoundError(_("Không có khó khăn, đề xuất này."))
        if item.state not in move.sources:
            raise ConflictError(
                _("Không thể “%(m)s” mục đang ở trạng thái “%(s)s”.")
                % {"m": move.label, "s": item.get_state_display()},
                code="illegal_move",
            )
        if not _may_move(actor, move, item):
            raise AccessDenied(_("Bạn không có quyền “%(m)s” mục này.") % {"m": move.label})
        before = item.state
        fields = ["state", "version"]
        payload: dict[str, Any] = {}
        now = at or timezone.now()
        if action == "assign":
            from dvctt.accounts.models import User
            from dvctt.agencies.models import Unit

            unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
            user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
            if unit is None and user is None:
                raise DomainError(
                    _("Hãy chọn đơn vị hoặc cán bộ được giao."), fields={"unit": [_("Bắt buộc.")]}
                )
            if user is not None and not user.is_official:
                raise DomainError(_("Chỉ giao được cho cán bộ."), fields={"user": [_("Không hợp lệ.")]})
            item.assigned_unit, item.assigned_user = unit, user
            fields += ["assigned_unit", "assigned_user"]
            payload = {"unit": unit.code if unit else None, "user": user.pk if user else None}
        elif action == "escalate":
            item.escalated_at = now
            fields.append("escalated_at")
        elif action == "answer":
            item.answer, item.answered_by, item.answered_at = answer, actor, now
            fields += ["answer", "answered_by", "answered_at"]
        elif action == "close":
            item.closed_at = now
            fields.append("closed_at")
        item.state = move.target
        item.version += 1
        item.save(update_fields=fields)
        event = _difficulty_event(
            item, action=action, before=before, actor=actor, note=answer or note, payload=payload, at=now
        )
        if action == "answer":
            staff_notify(
                user=item.author,
                key=f"difficulty-answer:{item.pk}:{event.pk}",
                subject=_("Trả lời khó khăn, đề xuất #%(n)s: %(s)s") % {"n": item.pk, "s": item.subject},
                body="\n".join(
                    [
                        _("Khó khăn, đề xuất “%(s)s” của %(u)s gửi ngày %(d)s đã được trả lời:")
                        % {
                            "s": item.subject,
                            "u": item.filer_unit.name,
                            "d": f"{timezone.localtime(item.filed_at):%d/%m/%Y}",
                        },
                        answer,
                        _("Người trả lời: %(who)s.") % {"who": str(actor)},
                    ]
                ),
            )
    return item


def officials_for_assignment() -> Any:
    """Officials a difficulty may be assigned to (active, holding an official role), by unit and name."""
    from dvctt.accounts.models import OFFICIAL_ROLES, User

    return (
        User.objects.filter(is_active=True, role__in=sorted(OFFICIAL_ROLES))
        .select_related("unit")
        .order_by("unit__code", "full_name", "username")
    )
