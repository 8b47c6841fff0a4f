"""Demo guides and FAQ (docs/guides.md), read from the data files in ``demo_data/``.

A guide is a Markdown file: a header between ``---`` lines (kind, order, titles, videos ``url | title``,
procedures by their catalogue names separated by ``;``, and the state to leave it in: ``published``, ``review`` or
``draft``), the Vietnamese text, then optionally ``=== en ===`` and the English text. ``faq.json`` lists the FAQ.
The monitor writes everything and the administrator publishes; a few votes show on the feedback page.
Idempotent: guides by slug, FAQ by question, votes only while there are none.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dvctt.accounts.models import User
from dvctt.catalog.selectors import procedure_search
from dvctt.common.demo import demo_loader

from . import services
from .models import FAQ_PAGE, Faq, Feedback, Guide

DATA = Path(__file__).resolve().parent / "demo_data"
ENGLISH = "\n=== en ===\n"

#: Votes per published guide (helpful, not helpful, comments) and for the FAQ page.
VOTES: dict[str, tuple[int, int, list[str]]] = {
    "nop-ho-so-truc-tuyen": (
        14,
        3,
        ["Hướng dẫn rõ ràng, làm theo được ngay.", "Nên có thêm ảnh ở bước tải giấy tờ."],
    ),
    "thanh-toan-phi-le-phi": (6, 2, ["Không biết ngân hàng nào hỗ trợ QR."]),
    "khi-gap-su-co": (3, 4, ["Gọi đường dây nóng ngoài giờ không ai nghe."]),
    FAQ_PAGE: (9, 1, []),
}


def read_guide(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    _start, header, body = text.split("---\n", 2)
    meta = {}
    for line in header.strip().splitlines():
        key, _sep, value = line.partition(":")
        meta[key.strip()] = value.strip()
    body_vi, _sep, body_en = body.partition(ENGLISH)
    videos = []
    if meta.get("videos"):
        url, _sep, title = meta["videos"].partition("|")
        videos.append({"url": url.strip(), "title": title.strip()})
    return {
        "slug": path.stem,
        "kind": meta["kind"],
        "order": int(meta.get("order", "100")),
        "title_vi": meta["title_vi"],
        "title_en": meta.get("title_en", ""),
        "body_vi": body_vi.strip(),
        "body_en": body_en.strip(),
        "videos": videos,
        "procedures": [n.strip() for n in meta.get("procedures", "").split(";") if n.strip()],
        "status": meta.get("status", "published"),
    }


def _procedure_codes(names: list[str]) -> list[str]:
    codes = []
    for name in names:
        match = next((v for v in procedure_search(query=name)[:20] if v.name == name), None)
        if match is not None:
            codes.append(match.procedure.code)
    return codes


def _bring_to(
    status: str, *, model: type[Guide] | type[Faq], item_id: int, author: User, reviewer: User
) -> None:
    if status in ("review", "published"):
        services.publishable_move(model=model, item_id=item_id, action="submit", actor=author)
    if status == "published":
        services.publishable_move(model=model, item_id=item_id, action="publish", actor=reviewer)


def _votes() -> int:
    if Feedback.objects.exists():
        return 0
    guides = {g.slug: g for g in Guide.objects.filter(is_live=True, slug__in=list(VOTES))}
    count = 0
    for key, (helpful, unhelpful, comments) in VOTES.items():
        guide = guides.get(key)
        if key != FAQ_PAGE and guide is None:
            continue
        page_key = FAQ_PAGE if guide is None else f"guide:{guide.pk}"
        for i in range(helpful + unhelpful):
            comment = comments[i % len(comments)] if comments and i % 4 == 1 else ""
            services.feedback_record(
                page_key=page_key,
                guide=guide,
                helpful=i < helpful,
                comment=comment,
                token=f"demo-{key}-{i:04d}".ljust(32, "0"),
            )
            count += 1
    return count


@demo_loader(order=65, name="guides")
def load(*, stdout: Any, scale: float) -> str:
    users = {u.username: u for u in User.objects.filter(username__in=["giamsat", "quantri"])}
    author, reviewer = users.get("giamsat"), users.get("quantri")
    if author is None or reviewer is None:
        return "chưa có tài khoản cán bộ theo dõi và quản trị: bỏ qua"
    existing = set(Guide.objects.values_list("slug", flat=True))
    created = 0
    for path in sorted(DATA.glob("*.md")):
        data = read_guide(path)
        if data["slug"] in existing:
            continue
        guide = services.guide_create(
            actor=author,
            slug=data["slug"],
            kind=data["kind"],
            order=data["order"],
            title_vi=data["title_vi"],
            title_en=data["title_en"],
            body_vi=data["body_vi"],
            body_en=data["body_en"],
            videos=data["videos"],
            procedure_codes=_procedure_codes(data["procedures"]),
        )
        _bring_to(data["status"], model=Guide, item_id=guide.pk, author=author, reviewer=reviewer)
        created += 1
    known = set(Faq.objects.values_list("question_vi", flat=True))
    faqs = 0
    for entry in json.loads((DATA / "faq.json").read_text(encoding="utf-8")):
        if entry["question_vi"] in known:
            continue
        faq = services.faq_create(
            actor=author,
            topic=entry["topic"],
            order=entry.get("order", 100),
            question_vi=entry["question_vi"],
            answer_vi=entry["answer_vi"],
            question_en=entry.get("question_en", ""),
            answer_en=entry.get("answer_en", ""),
        )
        _bring_to("published", model=Faq, item_id=faq.pk, author=author, reviewer=reviewer)
        faqs += 1
    votes = _votes()
    return (
        f"{created} hướng dẫn mới ({Guide.objects.count()} hướng dẫn), {faqs} câu hỏi mới "
        f"({Faq.objects.count()} câu hỏi), {votes} lượt góp ý"
    )
