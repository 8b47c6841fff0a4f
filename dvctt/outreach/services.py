"""Writes of outreach: communication activities (recorded, edited, files added) and good practices (written,
edited, published, withdrawn). Every write keeps a version with its author (django-simple-history)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dvctt.common.errors import AccessDenied, ConflictError, DomainError, NotFoundError
from dvctt.common.text import FREE_TEXT_MAX_CHARS, fold
from dvctt.plans.dashboards.periods import FIRST_YEAR, UNITS_CURRENT, UNITS_PERIOD, PeriodError

from . import access
from .models import (
    MAX_REACH,
    ActivityFile,
    Audience,
    Channel,
    CommunicationActivity,
    GoodPractice,
    PracticeState,
)
from .selectors import PRACTICE_INDICATORS, period_kind_of, stored_period

MAX_LINKS = 10
MAX_FILES = 5  # in one save
MAX_FILES_PER_ACTIVITY = 20
MAX_LINK_CHARS = 500


@dataclass(frozen=True)
class UploadedEvidence:
    name: str
    upload: Any  # an UploadedFile


def _text(
    value: str | None, *, label: str, field: str, required: bool = True, limit: int = FREE_TEXT_MAX_CHARS
) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(_("Hãy nhập %(label)s.") % {"label": label}, fields={field: [_("Bắt buộc.")]})
    if len(text) > limit:
        raise DomainError(
            _("%(label)s dài quá %(n)s ký tự.") % {"label": label.capitalize(), "n": limit},
            fields={field: [_("Tối đa %(n)s ký tự.") % {"n": limit}]},
        )
    return text


def _links(links: Iterable[str]) -> list[str]:
    out: list[str] = []
    for raw in links:
        link = (raw or "").strip()
        if not link:
            continue
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(link) > MAX_LINK_CHARS:
            raise DomainError(
                _("Đường dẫn “%(l)s” không hợp lệ: dùng địa chỉ bắt đầu bằng http:// hoặc https://.")
                % {"l": link[:80]},
                fields={"links": [_("Đường dẫn “%(l)s” không hợp lệ.") % {"l": link[:80]}]},
            )
        if link not in out:
            out.append(link)
    if len(out) > MAX_LINKS:
        raise DomainError(
            _("Tối đa %(n)s đường dẫn cho một hoạt động.") % {"n": MAX_LINKS},
            fields={"links": [_("Tối đa %(n)s đường dẫn.") % {"n": MAX_LINKS}]},
        )
    return out


def _reach(value: Any) -> int:
    try:
        reach = int(value)
    except (TypeError, ValueError):
        reach = -1
    if not 0 <= reach <= MAX_REACH:
        limit = f"{MAX_REACH:,}".replace(",", ".")
        raise DomainError(
            _("Số người được tiếp cận phải là số nguyên từ 0 đến %(max)s.") % {"max": limit},
            fields={"reach": [_("Từ 0 đến %(max)s.") % {"max": limit}]},
        )
    return reach


def _day(value: Any, *, today: date) -> date:
    if not isinstance(value, date):
        raise DomainError(_("Hãy nhập ngày thực hiện."), fields={"date": [_("Bắt buộc.")]})
    if value > today:
        raise DomainError(
            _("Ngày thực hiện %(d)s chưa đến: chỉ ghi hoạt động đã diễn ra.") % {"d": f"{value:%d/%m/%Y}"},
            fields={"date": [_("Không được sau hôm nay (%(t)s).") % {"t": f"{today:%d/%m/%Y}"}]},
        )
    if value.year < FIRST_YEAR:
        raise DomainError(
            _("Ngày thực hiện %(d)s quá xa.") % {"d": f"{value:%d/%m/%Y}"},
            fields={"date": [_("Từ năm %(y)s.") % {"y": FIRST_YEAR}]},
        )
    return value


def _choice(value: str, choices: Any, *, field: str, label: str) -> str:
    if value not in choices.values:
        raise DomainError(_("Hãy chọn %(label)s.") % {"label": label}, fields={field: [_("Không hợp lệ.")]})
    return value


def _unit(unit_id: Any, *, actor: Any) -> Any:
    from dvctt.agencies.models import Unit

    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    if unit is None:
        raise DomainError(_("Hãy chọn đơn vị."), fields={"unit": [_("Bắt buộc.")]})
    if not access.can_record_for(actor, unit.pk):
        raise AccessDenied(
            _("Bạn chỉ ghi được hoạt động của đơn vị mình; %(u)s nằm ngoài phạm vi đó.") % {"u": unit.name}
        )
    return unit


def _store_files(activity: CommunicationActivity, checked: list[tuple[Any, Any]], *, actor: Any) -> None:
    for item, info in checked:
        stored = ActivityFile(
            activity=activity,
            name=item.name[:255],
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
            uploaded_by=actor,
        )
        stored.file.save(info.name, item.upload, save=False)
        stored.save()


def _check_files(files: Sequence[UploadedEvidence], *, already: int = 0) -> list[tuple[Any, Any]]:
    from dvctt.dossiers.files import upload_check

    if len(files) > MAX_FILES or already + len(files) > MAX_FILES_PER_ACTIVITY:
        raise DomainError(
            _("Tối đa %(n)s tệp một lần, %(m)s tệp cho một hoạt động.")
            % {"n": MAX_FILES, "m": MAX_FILES_PER_ACTIVITY},
            fields={"files": [_("Quá nhiều tệp.")]},
        )
    checked = []
    for f in files:
        try:
            checked.append((f, upload_check(upload=f.upload, label=_("tệp đính kèm"))))
        except DomainError as exc:
            raise DomainError(exc.message, code=exc.code, fields={"files": [exc.message]}) from None
    return checked


def _search_text(*parts: str) -> str:
    return " ".join(fold(p) for p in parts if p)


# Communication activities --------------------------------------------------------------------------------------


def activity_record(
    *,
    actor: Any,
    unit_id: int,
    date: date,
    channel: str,
    title: str,
    audience: str,
    reach: Any,
    summary: str = "",
    place: str = "",
    links: Iterable[str] = (),
    files: Sequence[UploadedEvidence] = (),
    today: date | None = None,
) -> CommunicationActivity:
    """Record an activity that took place (not in the future) for a unit of the actor's scope (any unit for the
    department). Every value is checked before anything is written; files as dossier files are."""
    if not access.can_record(actor):
        raise AccessDenied(_("Chỉ cán bộ của các cơ quan, đơn vị và cán bộ theo dõi ghi được hoạt động."))
    values = _activity_values(
        date=date,
        channel=channel,
        title=title,
        audience=audience,
        reach=reach,
        summary=summary,
        place=place,
        links=links,
        today=today or timezone.localdate(),
    )
    unit = _unit(unit_id, actor=actor)
    checked = _check_files(files)
    with transaction.atomic():
        activity = CommunicationActivity(unit=unit, recorded_by=actor, **values)
        activity._history_user = actor  # type: ignore[attr-defined]
        activity.save()
        _store_files(activity, checked, actor=actor)
    return activity


def _activity_values(
    *,
    date: Any,
    channel: str,
    title: str,
    audience: str,
    reach: Any,
    summary: str,
    place: str,
    links: Iterable[str],
    today: date,
) -> dict[str, Any]:
    title = _text(title, label=_("tiêu đề"), field="title", limit=255)
    summary = _text(summary, label=_("nội dung tóm tắt"), field="summary", required=False)
    place = _text(place, label=_("địa điểm"), field="place", required=False, limit=255)
    return {
        "date": _day(date, today=today),
        "channel": _choice(channel, Channel, field="channel", label=_("hình thức")),
        "audience": _choice(audience, Audience, field="audience", label=_("đối tượng")),
        "title": title,
        "summary": summary,
        "place": place,
        "reach": _reach(reach),
        "links": _links(links),
        "search_text": _search_text(title, place, summary),
    }


def activity_update(
    *,
    actor: Any,
    activity_id: int,
    unit_id: int,
    date: date,
    channel: str,
    title: str,
    audience: str,
    reach: Any,
    summary: str = "",
    place: str = "",
    links: Iterable[str] = (),
    files: Sequence[UploadedEvidence] = (),
    today: date | None = None,
) -> CommunicationActivity:
    """Change an activity (its unit's officials within their scope, or the department), the row locked; new files
    are added to those already there. The previous version stays in the history."""
    values = _activity_values(
        date=date,
        channel=channel,
        title=title,
        audience=audience,
        reach=reach,
        summary=summary,
        place=place,
        links=links,
        today=today or timezone.localdate(),
    )
    with transaction.atomic():
        activity = CommunicationActivity.objects.select_for_update().filter(pk=activity_id).first()
        if activity is None:
            raise NotFoundError(_("Không có hoạt động truyền thông này."))
        if not access.can_record_for(actor, activity.unit_id):
            raise AccessDenied(_("Bạn không sửa được hoạt động của đơn vị khác."))
        unit = _unit(unit_id, actor=actor)
        checked = _check_files(files, already=activity.files.count())
        for name, value in values.items():
            setattr(activity, name, value)
        activity.unit = unit
        activity._history_user = actor  # type: ignore[attr-defined]
        activity.save()
        _store_files(activity, checked, actor=actor)
    return activity


# Good practices -----------------------------------------------------------------------------------------------


def _practice_values(
    *,
    title: str,
    what: str,
    who: str,
    before_from: Any,
    before_to: Any,
    after_from: Any,
    after_to: Any,
    units_mode: str,
    indicators: Iterable[str],
    today: date,
) -> dict[str, Any]:
    if units_mode not in (UNITS_PERIOD, UNITS_CURRENT):
        raise DomainError(_("Cách tính đơn vị không hợp lệ."), fields={"units_mode": [_("Không hợp lệ.")]})
    spans = {"before": (before_from, before_to), "after": (after_from, after_to)}
    kinds: dict[str, str] = {}
    for name, (start, end) in spans.items():
        label = _("kỳ trước") if name == "before" else _("kỳ sau")
        if not isinstance(start, date) or not isinstance(end, date):
            raise DomainError(
                _("Hãy nhập ngày bắt đầu và ngày kết thúc của %(p)s.") % {"p": label},
                fields={f"{name}_from": [_("Bắt buộc.")]},
            )
        kinds[name] = period_kind_of(start, end)
        try:
            stored_period(kind=kinds[name], date_from=start, date_to=end, units_mode=units_mode, today=today)
        except PeriodError as exc:
            raise DomainError(
                f"{label.capitalize()}: {exc.message}", fields={f"{name}_from": [exc.message]}
            ) from None
    if after_from <= before_to:
        raise DomainError(
            _("Kỳ sau phải bắt đầu sau khi kỳ trước kết thúc (%(d)s).") % {"d": f"{before_to:%d/%m/%Y}"},
            fields={"after_from": [_("Phải sau ngày %(d)s.") % {"d": f"{before_to:%d/%m/%Y}"}]},
        )
    known = [i.code for i in PRACTICE_INDICATORS]
    chosen = [code for code in known if code in set(indicators)]
    unknown = sorted(set(indicators) - set(known))
    if unknown or not chosen:
        raise DomainError(
            _("Hãy chọn ít nhất một chỉ tiêu để so sánh trước và sau.")
            if not unknown
            else _("Chỉ tiêu không có: %(c)s.") % {"c": ", ".join(unknown)},
            fields={"indicators": [_("Chọn ít nhất một chỉ tiêu.")]},
        )
    return {
        "title": _text(title, label=_("tiêu đề"), field="title", limit=255),
        "what": _text(what, label=_("cách làm"), field="what"),
        "who": _text(who, label=_("người thực hiện"), field="who", required=False),
        "before_kind": kinds["before"],
        "before_from": before_from,
        "before_to": before_to,
        "after_kind": kinds["after"],
        "after_from": after_from,
        "after_to": after_to,
        "units_mode": units_mode,
        "indicators": chosen,
    }


#: Translated when raised (gettext_lazy: the module is imported before a request's language is known).
_PRACTICE_REFUSALS = {
    "create": gettext_lazy("Chỉ cán bộ theo dõi kế hoạch viết được cách làm hay."),
    "update": gettext_lazy("Chỉ cán bộ theo dõi kế hoạch sửa được cách làm hay."),
}


def _practice_checked(*, actor: Any, action: str, unit_id: int, today: date | None, **fields: Any):
    """The unit and the checked values of a practice being written (create or update), or the refusal."""
    from dvctt.agencies.models import Unit

    if not access.can_write_practices(actor):
        raise AccessDenied(str(_PRACTICE_REFUSALS[action]))
    values = _practice_values(**fields, today=today or timezone.localdate())
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    if unit is None:
        raise DomainError(_("Hãy chọn đơn vị."), fields={"unit": [_("Bắt buộc.")]})
    return unit, values


def practice_create(
    *,
    actor: Any,
    unit_id: int,
    title: str,
    what: str,
    before_from: date,
    before_to: date,
    after_from: date,
    after_to: date,
    indicators: Iterable[str],
    who: str = "",
    units_mode: str = UNITS_PERIOD,
    today: date | None = None,
) -> GoodPractice:
    """A draft good practice of a unit (the department only). Periods are whole months, quarters, halves or years
    as the dashboards name them, or any dates; the period after starts after the one before ends."""
    unit, values = _practice_checked(
        actor=actor,
        action="create",
        unit_id=unit_id,
        today=today,
        title=title,
        what=what,
        who=who,
        before_from=before_from,
        before_to=before_to,
        after_from=after_from,
        after_to=after_to,
        units_mode=units_mode,
        indicators=indicators,
    )
    practice = GoodPractice(unit=unit, author=actor, **values)
    practice._history_user = actor  # type: ignore[attr-defined]
    practice.save()
    return practice


def practice_update(
    *,
    actor: Any,
    practice_id: int,
    unit_id: int,
    title: str,
    what: str,
    before_from: date,
    before_to: date,
    after_from: date,
    after_to: date,
    indicators: Iterable[str],
    who: str = "",
    units_mode: str = UNITS_PERIOD,
    today: date | None = None,
) -> GoodPractice:
    """Change a practice (draft or published: the department only); the previous version stays in the history."""
    unit, values = _practice_checked(
        actor=actor,
        action="update",
        unit_id=unit_id,
        today=today,
        title=title,
        what=what,
        who=who,
        before_from=before_from,
        before_to=before_to,
        after_from=after_from,
        after_to=after_to,
        units_mode=units_mode,
        indicators=indicators,
    )
    with transaction.atomic():
        practice = GoodPractice.objects.select_for_update().filter(pk=practice_id).first()
        if practice is None:
            raise NotFoundError(_("Không có cách làm hay này."))
        for name, value in values.items():
            setattr(practice, name, value)
        practice.unit = unit
        practice._history_user = actor  # type: ignore[attr-defined]
        practice.save()
    return practice


def practice_publish(*, actor: Any, practice_id: int, publish: bool = True) -> GoodPractice:
    """Publish a draft for every official to read (``publish=False``: withdraw it back to a draft)."""
    if not access.can_write_practices(actor):
        raise AccessDenied(_("Chỉ cán bộ theo dõi kế hoạch công bố được cách làm hay."))
    with transaction.atomic():
        practice = GoodPractice.objects.select_for_update().filter(pk=practice_id).first()
        if practice is None:
            raise NotFoundError(_("Không có cách làm hay này."))
        target = PracticeState.PUBLISHED if publish else PracticeState.DRAFT
        if practice.state == target:
            raise ConflictError(
                _("Cách làm hay này đã được công bố.") if publish else _("Cách làm hay này chưa công bố."),
                code="illegal_move",
            )
        practice.state = target
        practice.published_at = timezone.now() if publish else None
        practice._history_user = actor  # type: ignore[attr-defined]
        practice.save(update_fields=["state", "published_at", "updated_at"])
    return practice
