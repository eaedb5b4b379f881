"""What each party sees of a case's history (R-09, R-18, R-27): the one rule for
the case page's timeline, the API's ``/cases/{id}/events`` and the ``/events`` feed.

The employer side sees no event about health or the employee's own answers,
and no free text the jobcentre wrote (a close note, a withdraw reason) unless
the caseworker marked it shared: such a note may hold what the employee told
the jobcentre. Its own notes the employer side always reads. The doctor works
from the certificate request and sees no history.
"""

from __future__ import annotations

from fasttrack.audit.models import CaseEvent, CaseEventQuerySet
from fasttrack.people.models import EMPLOYER_ROLES, Role


def events_visible_to(role: Role | str, events: CaseEventQuerySet) -> CaseEventQuerySet:
    """The events ``role`` may see of ``events``."""
    if Role(role) in EMPLOYER_ROLES:
        return events.visible_to_employer_side()
    if role == Role.DOCTOR:
        return events.none()
    return events


def note_visible_to(role: Role | str, event: CaseEvent) -> str:
    """The event's note as ``role`` may read it: empty where it may not."""
    if Role(role) not in EMPLOYER_ROLES:
        return event.note
    written_by_employer_side = event.actor_role in EMPLOYER_ROLES
    return event.note if written_by_employer_side or event.note_shared_with_employer else ""
