"""A case's history (R-27) and the employee's "who has seen my data" (R-26)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from fasttrack.api.auth import token_of
from fasttrack.api.cases import read_case
from fasttrack.api.pagination import CursorPaginator, Page, PageParams, SortKey
from fasttrack.audit.access import AccessAction, Purpose, access_log_for_person, log_access
from fasttrack.audit.models import CaseEvent
from fasttrack.audit.visibility import events_visible_to, note_visible_to
from fasttrack.cases.export import export_for_person
from fasttrack.people.models import Role, membership_of

router = Router(tags=["history"])


class EventOut(Schema):
    sequence: int = Field(
        description="The event's number in the case's history, from 1.", examples=[1]
    )
    at: datetime = Field(
        description="When it happened (ISO 8601 with offset).",
        examples=["2026-11-02T09:15:00+01:00"],
    )
    verb: str = Field(description="What happened.", examples=["requested"])
    actor_role: str = Field(
        description="The role of who did it; empty for the system.", examples=["employer"]
    )
    actor_organisation: str = Field(
        description="The organisation of who did it; empty for the system.",
        examples=["Nordisk Fabrik A/S"],
    )
    old: dict[str, Any] = Field(description="The values before.", examples=[{"state": ""}])
    new: dict[str, Any] = Field(
        description="The values after.", examples=[{"state": "awaiting_consent"}]
    )
    note: str = Field(
        description=(
            "A note that came with the change; may be empty. The employer side reads the "
            "jobcentre's notes only when the caseworker shared them with the employer."
        ),
        examples=[""],
    )


class EventPage(Page[EventOut]):
    """A page of a case's history, oldest first."""


EVENTS = CursorPaginator("case-events", SortKey("sequence"), SortKey("id"))


@router.get(
    "/cases/{case_id}/events",
    response=EventPage,
    summary="Read a case's history",
    description=(
        "What happened in the case, oldest first, as far as the user may see it: the "
        "employer and the nearest manager see no event about health or the employee's own "
        "answers (R-09, R-18), and the jobcentre's notes (`note`) only where the caseworker "
        "shared them with the employer; the doctor works from the certificate request and sees no "
        "history. 404 for a case that is not the user's. Paginated with `limit` and `cursor`."
    ),
)
def list_case_events(
    request: HttpRequest, case_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    case, role = read_case(request, case_id)
    events = events_visible_to(role, CaseEvent.objects.filter(case=case))
    page = EVENTS.page(events, cursor=params.cursor, limit=params.limit)
    return {"items": [event_out(e, role) for e in page.items], "next": page.next}


def event_out(event: CaseEvent, role: Role) -> dict[str, Any]:
    """One event as ``role`` may read it (``audit.visibility``)."""
    return {
        "sequence": event.sequence,
        "at": event.at,
        "verb": event.verb,
        "actor_role": event.actor_role,
        "actor_organisation": event.actor_organisation,
        "old": event.old,
        "new": event.new,
        "note": note_visible_to(role, event),
    }


class AccessOut(Schema):
    at: datetime = Field(
        description="When (ISO 8601 with offset).", examples=["2026-11-02T09:15:00+01:00"]
    )
    organisation: str = Field(
        description="The organisation that used the data (never the person's name).",
        examples=["Jobcenter København"],
    )
    role: str = Field(description="The role of who used it.", examples=["caseworker"])
    action: str = Field(description="What they did: read, search, change …", examples=["read"])
    purpose: str = Field(description="Why (R-25).", examples=["case_work"])


class AccessPage(Page[AccessOut]):
    """A page of the access log, newest first."""


ACCESS_LOG = CursorPaginator(
    "access-log", SortKey("at", descending=True), SortKey("id", descending=True)
)


@router.get(
    "/me/access-log",
    response=AccessPage,
    openapi_extra={"responses": {"404": {"description": "Not an employee."}}},
    summary="Who has seen my data",
    description=(
        "For the employee: who used their personal data, when, from which organisation, "
        "in which role, how and why (R-26), newest first, without the staff's names and "
        "without the employee's own reads. 404 for every other role. Paginated with "
        "`limit` and `cursor`."
    ),
)
def my_access_log(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    membership = membership_of(token_of(request).user)
    if membership is None or membership.role != Role.EMPLOYEE or membership.person is None:
        raise Http404
    page = ACCESS_LOG.page(
        access_log_for_person(membership.person), cursor=params.cursor, limit=params.limit
    )
    items = [
        {
            "at": entry.at,
            "organisation": entry.organisation,
            "role": entry.role,
            "action": entry.action,
            "purpose": entry.purpose,
        }
        for entry in page.items
    ]
    return {"items": items, "next": page.next}


@router.get(
    "/me/export",
    response=dict[str, Any],
    openapi_extra={"responses": {"404": {"description": "Not an employee."}}},
    summary="All my data",
    description=(
        "For the employee: a copy of everything Fasttrack holds about them (GDPR art. 15 "
        "and 20), as one JSON document of format `fasttrack-export/1`: `person` (with the "
        "own CPR number, in the body only), `employments`, `cases` (each with its absence, "
        "answers, consent, deadlines, certificate requests and certificates, meetings, plans, "
        "journal notes and history), `letters` and `access_log`. Only the employee's own "
        "data: staff appear by role and organisation, other participants of a meeting by "
        "name and role only. The export is logged (R-25). 404 for every other role. The "
        'same document as the download on the citizen\'s page "Dine data".'
    ),
)
def my_export(request: HttpRequest) -> dict[str, Any]:
    user = token_of(request).user
    membership = membership_of(user)
    if membership is None or membership.role != Role.EMPLOYEE or membership.person is None:
        raise Http404
    document = export_for_person(membership.person)
    log_access(
        user=user,
        action=AccessAction.EXPORT,
        purpose=Purpose.OWN_DATA,
        person=membership.person,
        request=request,
    )
    return document
