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

from collections.abc import Mapping
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
    if _has_seen(case, actor):
        return None
    notice, created = CaseNotice.objects.get_or_create(
        case=case, key=key, defaults={"kind": kind, "created_at": timezone.now()}
    )
    if not created:
        return None
    letters.send(letters.jobcentre_notice(case, notice, dict(context or {})))
    return notice


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
