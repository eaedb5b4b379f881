"""Nothing happens unseen: what the jobcentre must act on reaches its caseworker.

Every action or sweep step that leaves the jobcentre something to do (an
answer to the consent request, a certificate received, a meeting answer that
declines, a deadline about to be missed...) calls ``tell_jobcentre`` inside
its own transaction. That one call

- records a ``CaseNotice``, which marks the case "New" in the worklist until
  the assigned caseworker opens it (``mark_seen``), and
- writes to the assigned caseworker's inbox, in their language; a case in the
  municipality's queue has no caseworker yet, so its notices are shown in the
  inbox of every member of that jobcentre instead (``queue_notices_for``),
  until someone takes the case.

Called from the actions, never from signals, so a reader of an action sees
everything it does. A notice carries no free text and nothing medical: it
says what happened, and the case says the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from fasttrack.cases import letters
from fasttrack.cases.access import cases_for
from fasttrack.cases.models import CaseNotice, FastTrackCase, NoticeKind
from fasttrack.people.models import membership_of


def tell_jobcentre(
    case: FastTrackCase,
    kind: NoticeKind,
    *,
    key: str,
    actor: Any = None,
    context: Mapping[str, Any] | None = None,
) -> CaseNotice | None:
    """Tell the case's caseworker (or its queue) that ``kind`` happened; once per ``key``.

    Nothing is told when the caseworker did it themself: they have seen it
    (``_has_seen``).
    Call inside the action's ``transaction.atomic()`` block, under the case's
    row lock, so the notice and its letter commit with the change.
    """
    return tell_jobcentre_all([News(case, kind, key=key, actor=actor, context=context)])[0]


@dataclass(frozen=True)
class News:
    """The arguments of ``tell_jobcentre``, for ``tell_jobcentre_all``."""

    case: FastTrackCase
    kind: NoticeKind
    key: str
    actor: Any = None
    context: Mapping[str, Any] | None = None


def tell_jobcentre_all(news: Sequence[News]) -> list[CaseNotice | None]:
    """``tell_jobcentre`` for many notices, of one case or many (the sweep's chunk), in
    a fixed number of statements: one read of the keys already told, one insert
    of the new notices, and their letters in one batch.

    Returns the new notice for each item, None where nothing was told. Every
    case must be locked, as for ``tell_jobcentre``: that is what keeps two
    callers from telling the same key at once.
    """
    unseen = [not _has_seen(item.case, item.actor) for item in news]
    wanted = [item for item, tell in zip(news, unseen, strict=True) if tell]
    existing = (
        set(
            CaseNotice.objects.filter(
                case_id__in={item.case.pk for item in wanted},
                key__in={item.key for item in wanted},
            ).values_list("case_id", "key")
        )
        if wanted
        else set()
    )
    now = timezone.now()
    results: list[CaseNotice | None] = []
    for item, tell in zip(news, unseen, strict=True):
        notice = None
        if tell and (item.case.pk, item.key) not in existing:
            # The same key twice in one batch is one notice, as get_or_create made it.
            existing.add((item.case.pk, item.key))
            notice = CaseNotice(case=item.case, key=item.key, kind=item.kind, created_at=now)
        results.append(notice)
    told = [(item, notice) for item, notice in zip(news, results, strict=True) if notice]
    if told:
        CaseNotice.objects.bulk_create([notice for _item, notice in told])
        letters.send(
            letter
            for item, notice in told
            for letter in letters.jobcentre_notice(item.case, notice, dict(item.context or {}))
        )
    return results


def _has_seen(case: FastTrackCase, actor: Any) -> bool:
    """The caseworker did it themself; or, on a case in the queue, someone at the
    jobcentre did, and the queue lists the case anyway."""
    if actor is None:
        return False
    if case.caseworker_id is not None:
        return bool(actor.pk == case.caseworker_id)
    membership = membership_of(actor)
    return membership is not None and membership.is_jobcentre


def mark_seen(case: FastTrackCase, user: Any) -> int:
    """The assigned caseworker opened the case: its notices are no longer new.

    A conditional UPDATE, so two tabs opening the case at once cannot clash;
    someone else opening the case leaves them new for the caseworker.
    """
    if case.caseworker_id is None or case.caseworker_id != user.pk:
        return 0
    return CaseNotice.objects.filter(case=case, seen_at__isnull=True).update(
        seen_at=timezone.now(), seen_by=user
    )


def settle(case: FastTrackCase, kind: NoticeKind, user: Any) -> int:
    """What a notice asked for is done: it is no longer new, for anyone.

    The action that does it calls this in its transaction, whoever does it, so
    that the case is not left "New" for a task already done (confirming an
    identity from the queue, say, where opening the case marks nothing seen)."""
    return CaseNotice.objects.filter(case=case, kind=kind, seen_at__isnull=True).update(
        seen_at=timezone.now(), seen_by=user
    )


def has_news() -> Exists:
    """For ``annotate(has_news=...)``: whether the case has a notice not yet seen."""
    return Exists(CaseNotice.objects.filter(case=OuterRef("pk"), seen_at__isnull=True))


def unseen_notices(case: FastTrackCase) -> QuerySet[CaseNotice]:
    return CaseNotice.objects.filter(case=case, seen_at__isnull=True).order_by("created_at", "pk")


def queue_notices_for(user: Any) -> QuerySet[CaseNotice]:
    """The unseen notices of the user's municipality's cases that nobody has taken yet."""
    return (
        CaseNotice.objects.filter(
            case__in=cases_for(user).filter(caseworker__isnull=True).order_by(),
            seen_at__isnull=True,
        )
        .select_related("case__absence__person")
        .order_by("-created_at", "-pk")
    )
