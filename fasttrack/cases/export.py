"""The citizen's copy of all Fasttrack holds about them (GDPR art. 15 and 20).

One JSON document, built here and served by the citizen's page and by
``GET /api/v1/me/export`` alike: the person, their employments, every case
about them with answers, consent, deadlines, certificates, meetings, plans,
journal notes and history, the letters to them, and who has used their data
(R-26). Only the citizen's own data: the cases are those of their own
absences, and of other people only what is part of their case (who took part
in a meeting and in which role), never another person's answers, replies or
identifiers. The staff who acted are named by role and organisation, as in the
access log, not by name.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils import timezone

from fasttrack.audit.access import access_log_for_person
from fasttrack.audit.models import CaseEvent
from fasttrack.audit.visibility import events_visible_to, note_visible_to
from fasttrack.cases.models import FastTrackCase
from fasttrack.medical.models import Certificate, CertificateRequest
from fasttrack.meetings.access import (
    minutes_visible_to,
    participants_visible_to,
    tasks_visible_to,
)
from fasttrack.meetings.models import Meeting, MeetingParticipant
from fasttrack.meetings.models import Party as MeetingParty
from fasttrack.notifications.models import Message
from fasttrack.people.models import Person, Role
from fasttrack.plans.models import PlanVersion

EXPORT_FORMAT = "fasttrack-export/1"
_EVENT_FIELDS = ("sequence", "at", "verb", "actor_role", "actor_organisation", "old", "new")
# What the citizen sees is what the employee sees on every other face: the
# visibility rules (audit.visibility, meetings.access) are asked as that role.
_ROLE = Role.EMPLOYEE


def _plain(obj: Model, *names: str) -> dict[str, Any]:
    """The named fields of ``obj`` as JSON-ready values (dates as ISO 8601)."""
    values = {}
    for name in names:
        value = getattr(obj, name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


def export_for_person(person: Person) -> dict[str, Any]:
    """Everything about ``person``, as one JSON-ready dictionary."""
    cases = (
        FastTrackCase.objects.filter(absence__person=person)
        .select_related("absence__employer", "municipality")
        .order_by("requested_on", "pk")
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "person": _person(person),
        "employments": [
            {"employer": _employer(e.employer), **_plain(e, "job_title", "started_on")}
            for e in person.employments.select_related("employer").order_by("pk")
        ],
        "cases": [_case(case) for case in cases],
        "letters": [
            _plain(m, "created_at", "channel", "subject", "body_text", "status", "sent_at")
            | {"case_id": m.case_id}
            for m in Message.objects.filter(recipient_person=person).order_by("created_at", "pk")
        ],
        "access_log": [
            _plain(entry, "at", "organisation", "role", "action", "purpose")
            | {"case_id": entry.case_id}
            for entry in access_log_for_person(person, include_own=True).order_by("at", "pk")
        ],
    }


def _person(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "cpr": person.cpr,
        "email": person.email,
        "phone": person.phone,
        "address": person.address,
        "municipality": (
            {"code": person.municipality.code, "name": person.municipality.name}
            if person.municipality
            else None
        ),
        "own_doctor": person.clinic.name if person.clinic else None,
        "preferred_language": person.preferred_language,
    }


def _employer(employer: Any) -> dict[str, Any] | None:
    return {"cvr": employer.cvr, "name": employer.name} if employer else None


def _case(case: FastTrackCase) -> dict[str, Any]:
    absence = case.absence
    consent = getattr(case, "consent", None)
    decision = getattr(case, "consent_decision", None)
    conversation = getattr(case, "employer_conversation", None)
    return {
        "id": case.pk,
        **_plain(
            case,
            "state",
            "requested_by",
            "request_channel",
            "requested_on",
            "rule_set_version",
            "outcome",
            "closed_on",
        ),
        "absence": _plain(
            absence,
            "first_absence_day",
            "expects_over_8_weeks",
            "partial_leave_hours_per_week",
            "leaves_within_8_weeks",
        ),
        "employer": _employer(absence.employer),
        "municipality": {"code": case.municipality.code, "name": case.municipality.name},
        "answers": [
            _plain(
                a,
                "party",
                "question_set_version",
                "questions",
                "affected_functions",
                "affected_duration",
                "adjustments_tried",
                "given_at",
            )
            for a in case.answers.order_by("given_at", "pk")
        ],
        "consent": (
            _plain(consent, "accepted", "answered_on", "late", "channel") if consent else None
        ),
        "consent_decision": (
            _plain(decision, "continue_fast_track", "reason", "decided_at") if decision else None
        ),
        "deadlines": [
            _plain(d, "key", "due_on", "basis", "legal", "status", "met_on")
            for d in case.deadlines.order_by("due_on", "pk")
        ],
        "certificate_requests": [
            _plain(r, "requested_on", "due_on", "status") | {"clinic": r.clinic.name}
            for r in CertificateRequest.objects.filter(case=case)
            .select_related("clinic")
            .order_by("pk")
        ],
        "certificates": [
            _plain(
                c,
                "received_at",
                "diagnosis",
                "work_capacity",
                "considerations",
                "expected_return",
                "expected_return_on",
                "remarks",
            )
            for c in Certificate.objects.filter(request__case=case).order_by("received_at", "pk")
        ],
        "meetings": [_meeting(m) for m in Meeting.objects.filter(case=case).order_by("pk")],
        "plans": [
            _plain(
                v,
                "number",
                "summary",
                "measures",
                "partial_leave_hours_per_week",
                "evaluate_on",
                "created_at",
                "employer_confirmed_at",
                "employee_confirmed_at",
            )
            for v in PlanVersion.objects.filter(plan__case=case).order_by("number", "pk")
        ],
        "employer_conversation": (
            _plain(conversation, "held_on", "note") if conversation else None
        ),
        "journal_notes": [_plain(n, "created_at", "text") for n in case.notes.order_by("pk")],
        "history": [
            _plain(e, *_EVENT_FIELDS) | {"note": note_visible_to(_ROLE, e)}
            for e in events_visible_to(_ROLE, CaseEvent.objects.filter(case=case)).order_by(
                "sequence"
            )
        ],
    }


def _meeting(meeting: Meeting) -> dict[str, Any]:
    def participant(p: MeetingParticipant) -> dict[str, Any]:
        shown = _plain(p, "name", "role")
        # Only the citizen's own reply: another participant's reasons are theirs.
        if p.party == MeetingParty.EMPLOYEE:
            shown |= _plain(p, "response", "response_reason", "suggested_times", "responded_at")
        return shown

    held = minutes_visible_to(_ROLE, meeting)
    fields = ["kind", "starts_at", "location", "video_url", "state", "held_on"]
    return {
        **_plain(meeting, *fields),
        "minutes": meeting.minutes if held else "",
        "participants": [
            participant(p)
            for p in participants_visible_to(_ROLE, meeting.participants.order_by("pk"))
        ],
        "tasks": [
            _plain(t, "party", "description", "due_on", "done_at")
            for t in (tasks_visible_to(_ROLE, meeting.tasks.order_by("pk")) if held else [])
        ],
    }


def export_filename() -> str:
    """A file name without the CPR number or the name: ``fasttrack-mine-data-2026-12-06.json``."""
    return f"fasttrack-mine-data-{timezone.localdate():%Y-%m-%d}.json"
