"""``GET /events``: the change feed, every case's history events in one stream.

An integration polls it with the ``next`` cursor of its last call and gets
what happened since, in every case it may see, filtered per role exactly as
``/cases/{id}/events`` filters them.

**Order and the guarantee.** Events come in the order of their ``id``. On
PostgreSQL an id is taken from a sequence when the row is inserted, not when
its transaction commits, so a slow transaction can commit id 100 after a
quick one committed 101; a client that had read 101 and polled on from there
would never see 100. The feed therefore only hands out events up to a
*settled* point in time (``settled_before``):

- never later than ``API_EVENT_FEED_SETTLE_SECONDS`` (default 2) ago, which
  covers the microseconds between an event taking its time and its id, and
  small clock differences between application servers and the database;
- on PostgreSQL, never later than the start of the oldest transaction that is
  still writing to the history table (it holds the table's ROW EXCLUSIVE
  lock until it ends), so that nothing it may still commit lies behind a
  cursor already handed out.

Every event, once committed, is thus delivered exactly once to a client that
follows ``next``; a long transaction elsewhere delays the feed while it runs
but loses nothing. On SQLite writers are serialised (``BEGIN IMMEDIATE``) and
ids follow commit order anyway. The database role must see its own sessions'
``xact_start`` in ``pg_stat_activity`` (it does when every application
process uses the same role); a writer whose start it cannot see holds the
feed back until that writer ends.

A case that becomes visible later (a doctor's clinic is asked, an employer
joins) brings no earlier events into the feed: read those with
``/cases/{id}/events``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from fasttrack.api.auth import token_of
from fasttrack.api.history import EventOut, event_out
from fasttrack.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, CursorPaginator, SortKey
from fasttrack.audit.models import CaseEvent
from fasttrack.audit.visibility import events_visible_to
from fasttrack.cases.access import cases_for, log_cases_shown
from fasttrack.people.models import Role, membership_of

router = Router(tags=["history"])

DEFAULT_SETTLE_SECONDS = 2
FEED = CursorPaginator("event-feed", SortKey("id"))
# Before the first event: where a client without a cursor starts.
_START = [0]

_OLDEST_EVENT_WRITER_SQL = """
SELECT min(coalesce(activity.xact_start, 'epoch'::timestamptz))
FROM pg_locks AS lock
JOIN pg_stat_activity AS activity ON activity.pid = lock.pid
WHERE lock.locktype = 'relation'
  AND lock.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND lock.relation = %s::regclass
  AND lock.mode = 'RowExclusiveLock'
  AND lock.pid <> pg_backend_pid()
"""


def _oldest_event_writer_start() -> datetime | None:
    """When the oldest other transaction still writing case events began
    (the epoch when its start is hidden from us); None when there is none."""
    with connection.cursor() as cursor:
        cursor.execute(_OLDEST_EVENT_WRITER_SQL, [CaseEvent._meta.db_table])
        (started,) = cursor.fetchone()
    return started


def settled_before() -> datetime:
    """Events at or before this time can no longer be joined by an earlier id."""
    seconds = getattr(settings, "API_EVENT_FEED_SETTLE_SECONDS", DEFAULT_SETTLE_SECONDS)
    horizon = timezone.now()
    if connection.vendor == "postgresql":
        started = _oldest_event_writer_start()
        if started is not None:
            horizon = min(horizon, started)
    return horizon - timedelta(seconds=seconds)


class FeedParams(Schema):
    after: str | None = Field(
        None,
        max_length=2000,
        description=(
            "The `next` value of your previous call; leave out to start from the first event."
        ),
        examples=[None],
    )
    limit: int = Field(
        DEFAULT_LIMIT,
        ge=1,
        le=MAX_LIMIT,
        description=f"How many events at most, 1 to {MAX_LIMIT}.",
        examples=[DEFAULT_LIMIT],
    )


class FeedEventOut(EventOut):
    case_id: int = Field(description="The case the event belongs to.", examples=[42])


class FeedPage(Schema):
    items: list[FeedEventOut] = Field(description="The events, oldest first.")
    next: str = Field(
        description=(
            "Always a cursor: pass it as `after` to get what came after these events, now or "
            "on a later poll. Store it; it does not expire."
        ),
        examples=[".eJyLNgYAAMYAhw:1v2W3x:abc"],
    )


@router.get(
    "/events",
    response=FeedPage,
    summary="Follow every case's history",
    description=(
        "The history events of every case the user may see, across cases, oldest first, "
        "as `/cases/{id}/events` shows them, each with its `case_id`. The employer and the "
        "nearest manager see no event about health or the employee's answers (R-09, R-18); "
        "the doctor sees none. Poll with the `next` cursor of the previous call as `after`: "
        "`next` is always given, also when there is nothing new. Events appear a couple of "
        "seconds after they happen, once no earlier one can still be committed, so that "
        "following `next` never skips one. An invalid or altered cursor is 422."
    ),
)
def list_events(request: HttpRequest, params: Query[FeedParams]) -> dict[str, Any]:
    user = token_of(request).user
    membership = membership_of(user)
    assert membership is not None  # the authentication refuses users without a role
    after = FEED.decode_cursor(params.after, parameter="after") if params.after else _START
    visible_cases = cases_for(user).order_by().values("pk")
    role = Role(membership.role)
    events = events_visible_to(role, CaseEvent.objects.filter(case__in=visible_cases)).filter(
        at__lte=settled_before()
    )
    page = FEED.page(events, after_values=after, limit=params.limit)
    items = [{**event_out(e, role), "case_id": e.case_id} for e in page.items]
    log_cases_shown(user, dict.fromkeys(e.case_id for e in page.items), request=request)
    next_cursor = FEED.encode_cursor(page.items[-1]) if page.items else FEED.encode_values(after)
    return {"items": items, "next": next_cursor}
