"""Demo cases for the demo world, built through the actions only.

Dates are relative to today so that the demo always shows live deadlines.
Idempotent: a citizen who already has an absence is left alone, so running it
again (another day) adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils import timezone

from fasttrack.cases import actions
from fasttrack.cases.models import Absence, Channel, FastTrackCase, Outcome, Requester
from fasttrack.meetings.models import MeetingKind
from fasttrack.people.demo import DemoWorld
from fasttrack.people.models import Person, Role

JANNI = "1203814562"

EMPLOYER_ANSWERS = {
    "affected_functions": "Tunge løft ved pakkelinjen og lange vagter stående.",
    "affected_duration": "Cirka tre uger før sygemeldingen.",
    "adjustments_tried": "Vi har prøvet kortere vagter, men det var ikke nok.",
}
EMPLOYEE_ANSWERS = {
    "affected_functions": "Jeg kan ikke løfte eller stå længe ad gangen.",
    "affected_duration": "Siden starten af måneden.",
    "adjustments_tried": "Lidt kortere vagter; jeg kunne godt lave lettere opgaver.",
}


def _user(username: str) -> AbstractUser:
    user: AbstractUser = get_user_model().objects.get(username=username)
    return user


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


class _Builder:
    def __init__(self, world: DemoWorld, today: date) -> None:
        self.world = world
        self.today = today
        self.created: list[FastTrackCase] = []

    def days(self, n: int) -> date:
        return self.today + timedelta(days=n)

    def person(self, cpr: str) -> Person:
        return self.world.persons[cpr]

    def request(
        self,
        cpr: str,
        *,
        by: str,
        cvr: str | None,
        absent_since: int,
        requested: int,
        answers: dict[str, str] | None,
        manager: str | None = None,
    ) -> FastTrackCase:
        actor = _user(by)
        role = actor.membership.role  # type: ignore[attr-defined]
        requested_by = {
            Role.EMPLOYER: Requester.EMPLOYER,
            Role.EMPLOYEE: Requester.EMPLOYEE,
        }.get(role, Requester.CASEWORKER)
        case, _ = actions.request_fast_track(
            actor=actor,
            person=self.person(cpr),
            employer=self.world.employers[cvr] if cvr else None,
            first_absence_day=self.days(-absent_since),
            expects_over_8_weeks=True,
            answers=answers,
            requested_by=requested_by,
            channel=Channel.WEB if requested_by != Requester.CASEWORKER else Channel.PHONE,
            nearest_manager=_user(manager) if manager else None,
            today=self.days(-requested),
        )
        self.created.append(case)
        return case


def _janni(b: _Builder) -> None:
    # Requested by HR two days ago; Janni has not yet answered.
    b.request(
        JANNI,
        by="hr",
        cvr="29887659",
        absent_since=9,
        requested=2,
        answers=EMPLOYER_ANSWERS,
        manager="leder",
    )


def _certificate_requested(b: _Builder) -> None:
    case = b.request(
        "0507762213", by="hr", cvr="29887659", absent_since=20, requested=10, answers={}
    )
    caseworker = _user("sagsbehandler")
    actions.assign_caseworker(case=case, actor=caseworker)
    actions.accept(
        case=case, actor=caseworker, answers=EMPLOYEE_ANSWERS, on=b.days(-9), channel="phone"
    )
    actions.request_certificate(case=case, actor=caseworker, on=b.days(-8))
    # The first conversation, booked two days ago, is this morning: the caseworker
    # records it as held once it has taken place. The doctor's deadline
    # came forward to it.
    actions.book_meeting(
        case=case,
        actor=caseworker,
        kind=MeetingKind.FIRST_CONVERSATION,
        starts_at=_at(b.today, 8),
        location="Jobcenter København, Gyldenløvesgade 15",
        now=_at(b.days(-2), 12),
    )


def _conversation_booked(b: _Builder) -> None:
    case = b.request(
        "2311893318",
        by="sagsbehandler",
        cvr="16480894",
        absent_since=15,
        requested=6,
        answers=EMPLOYEE_ANSWERS,
    )
    caseworker = _user("sagsbehandler")
    actions.assign_caseworker(case=case, actor=caseworker)
    meeting = actions.book_meeting(
        case=case,
        actor=caseworker,
        kind=MeetingKind.FIRST_CONVERSATION,
        starts_at=_at(b.days(3), 10),
        location="Jobcenter København, Gyldenløvesgade 15",
        participants=[
            {"name": "Mette Kristensen", "role": Role.EMPLOYEE},
            {"name": "Kim Kristensen", "party": "companion"},
        ],
    )
    # Mette has no login: she asked for another time by phone, and the
    # caseworker, who takes part herself, has accepted.
    mette = meeting.participants.get(party="employee")
    actions.answer_invitation(
        case=case,
        actor=caseworker,
        meeting=meeting,
        participant=mette,
        response="new_time_requested",
        reason="Hun skal hente sin søn fra skole kl. 10.30.",
        suggested_times="Samme dag kl. 8.30",
    )
    actions.answer_invitation(case=case, actor=caseworker, meeting=meeting, response="accepted")


def _overdue(b: _Builder) -> None:
    # The first conversation was due 11 days ago and was never held.
    case = b.request(
        "1402704127", by="anden-hr", cvr="40112235", absent_since=30, requested=25, answers=None
    )
    actions.accept(
        case=case,
        actor=_user("sagsbehandler"),
        answers=EMPLOYEE_ANSWERS,
        on=b.days(-24),
        channel="phone",
    )
    actions.mark_missed_deadlines(case_id=case.pk, today=b.today)


def _declined(b: _Builder) -> None:
    case = b.request(
        "0204751350", by="hr", cvr="29887659", absent_since=20, requested=12, answers={}
    )
    caseworker = _user("sagsbehandler")
    actions.assign_caseworker(case=case, actor=caseworker)
    actions.decline(case=case, actor=caseworker, on=b.days(-11), channel="letter")


def _closed(b: _Builder) -> None:
    caseworker = _user("anden-sagsbehandler")
    case = b.request(
        "2208799068",
        by="anden-sagsbehandler",
        cvr="83960310",
        absent_since=45,
        requested=40,
        answers=EMPLOYEE_ANSWERS,
    )
    actions.assign_caseworker(case=case, actor=caseworker)
    meeting = actions.book_meeting(
        case=case,
        actor=caseworker,
        kind=MeetingKind.FIRST_CONVERSATION,
        starts_at=_at(b.days(-33), 9),
        location="Jobcenter Frederiksberg, Dalgas Have 15",
        # Booked back then, for a time that was still to come.
        now=_at(b.days(-38), 12),
    )
    actions.record_meeting_held(
        case=case,
        actor=caseworker,
        meeting=meeting,
        held_on=b.days(-33),
        minutes="Peter forventer at vende tilbage på fuld tid efter behandling.",
        today=b.days(-33),
    )
    actions.record_plan(
        case=case,
        actor=caseworker,
        summary="Gradvis tilbagevenden over tre uger.",
        measures=[
            {
                "kind": "adjusted_functions",
                "description": "Ingen tunge løft i tre uger",
                "owner": "Arbejdsgiver",
                "due_on": b.days(-10),
            }
        ],
        evaluate_on=b.days(-10),
    )
    actions.close(case=case, actor=caseworker, outcome=Outcome.BACK_FULL_TIME)


def _frederiksberg_awaiting(b: _Builder) -> None:
    b.request("0603733189", by="anden-hr", cvr="40112235", absent_since=5, requested=1, answers={})


_SCENARIOS: list[tuple[str, Callable[[_Builder], None]]] = [
    (JANNI, _janni),
    ("0507762213", _certificate_requested),
    ("2311893318", _conversation_booked),
    ("1402704127", _overdue),
    ("0204751350", _declined),
    ("2208799068", _closed),
    ("0603733189", _frederiksberg_awaiting),
]


def build_demo_cases(world: DemoWorld, *, today: date | None = None) -> list[FastTrackCase]:
    """Create the demo cases that do not exist yet; returns the ones created."""
    builder = _Builder(world, today or timezone.localdate())
    for cpr, scenario in _SCENARIOS:
        if Absence.objects.filter(person=world.persons[cpr]).exists():
            continue
        with transaction.atomic():
            scenario(builder)
    # The builder kept the cases as requested; later actions moved them on.
    return [FastTrackCase.objects.get(pk=case.pk) for case in builder.created]
