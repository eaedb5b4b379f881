"""Demo cases for the demo world, built through the actions only.

Dates are relative to today so that the demo always shows live deadlines.
Idempotent: a citizen who already has an absence is left alone, so running it
again (another day) adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils import timezone

from fasttrack.cases import actions, notices
from fasttrack.cases.models import Absence, Channel, FastTrackCase, Outcome, Requester
from fasttrack.documents import actions as documents
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

    def conversation_held(
        self, case: FastTrackCase, caseworker: AbstractUser, *, held: int, booked: int, minutes: str
    ) -> None:
        """The first conversation, booked ``booked`` days ago for a time then still to
        come (R-33), and held ``held`` days ago at the jobcentre of Frederiksberg."""
        meeting = actions.book_meeting(
            case=case,
            actor=caseworker,
            kind=MeetingKind.FIRST_CONVERSATION,
            starts_at=_at(self.days(-held), 9),
            location="Jobcenter Frederiksberg, Dalgas Have 15",
            now=_at(self.days(-booked), 12),
        )
        actions.record_meeting_held(
            case=case,
            actor=caseworker,
            meeting=meeting,
            held_on=self.days(-held),
            minutes=minutes,
            today=self.days(-held),
        )


@contextmanager
def _clock_at(day: date, hour: int = 10) -> Iterator[None]:
    """Run the actions as on ``day``: the story happened months ago, so its
    history, letters and confirmations carry the dates they would have had.

    Only for the demo. The actions read the time through
    ``django.utils.timezone.now`` (and ``localdate``, which calls it), which is
    what this moves.
    """
    moment = _at(day, hour)
    real_now = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real_now


JANNI_DIAGNOSIS = "Karpaltunnelsyndrom og seneskedehindebetændelse i begge hænder."
JANNI_EMPLOYER_ANSWERS = {
    "affected_functions": "Pakning ved linjen: gentagne greb og løft med hænder og arme.",
    "affected_duration": "Janni har haft ondt i hænder og arme i et halvt år.",
    "adjustments_tried": "Skiftende opgaver på linjen og pauser; det var ikke nok.",
}
JANNI_OWN_ANSWERS = {
    "affected_functions": "Jeg kan ikke gribe og pakke hele dagen; smerterne går op i armene.",
    "affected_duration": "Det er blevet værre over seks måneder, de sidste to uger kunne jeg ikke.",
    "adjustments_tried": "Jeg har prøvet andre opgaver på linjen; jeg vil gerne lære noget nyt.",
}


def _janni(b: _Builder) -> None:
    """Janni's whole course, closed (the seed's story).

    Pain in her hands and arms over six months; she and HR ask together; the
    first conversation is held at the workplace within two weeks; a plan of
    partial sick leave, treatment and retraining; back at work in the
    company's canteen; closed.
    """
    hr, leder, janni = _user("hr"), _user("leder"), _user("janni")
    caseworker, doctor = _user("sagsbehandler"), _user("laege")
    d0 = b.days(-190)
    asked = d0 + timedelta(days=12)

    def on(offset: int, hour: int = 10) -> Any:
        return _clock_at(asked + timedelta(days=offset), hour)

    with on(0, 9):
        case, _ = actions.request_fast_track(
            actor=hr,
            person=b.person(JANNI),
            employer=b.world.employers["29887659"],
            first_absence_day=d0,
            expects_over_8_weeks=True,
            answers=JANNI_EMPLOYER_ANSWERS,
            requested_by=Requester.EMPLOYER,
            channel=Channel.WEB,
            nearest_manager=leder,
            today=asked,
        )
        b.created.append(case)
    with on(0, 11):
        # The same day Janni asks herself: her request is her consent.
        actions.request_fast_track(
            actor=janni,
            person=b.person(JANNI),
            employer=b.world.employers["29887659"],
            first_absence_day=d0,
            expects_over_8_weeks=True,
            answers=JANNI_OWN_ANSWERS,
            requested_by=Requester.EMPLOYEE,
            channel=Channel.WEB,
            today=asked,
        )
    with on(1):
        actions.assign_caseworker(case=case, actor=caseworker)
        case.refresh_from_db()  # hers now
        # She opens the case she took, as she would to act on it: its news is seen.
        notices.mark_seen(case, caseworker)
        plan_request = documents.request_retention_plan(
            case=case,
            actor=janni,
            message="Jeg vil gerne have en plan for, hvordan jeg kan blive hos jer.",
        )
        statement = documents.start_opportunity_statement(case=case, actor=hr)
        actions.request_certificate(case=case, actor=caseworker)
        conversation = actions.book_meeting(
            case=case,
            actor=caseworker,
            kind=MeetingKind.FIRST_CONVERSATION,
            starts_at=_at(asked + timedelta(days=9), 10),
            location="Nordisk Fabrik A/S, mødelokalet ved kantinen",
        )
        for party in (janni, caseworker):
            actions.answer_invitation(
                case=case, actor=party, meeting=conversation, response="accepted"
            )
    with on(2):
        documents.save_part_one(
            case=case,
            actor=hr,
            statement=statement,
            job_functions="Pakning ved linjen; løft af kasser op til 12 kg; rengøring af linjen.",
            can_do="Lettere opgaver uden gentagne greb; kontor- og køkkenopgaver i korte stræk.",
            cannot_do="Gentagne greb og løft over 3 kg i mere end en halv time ad gangen.",
            agreed_adjustments="Opgaver i kantinen med pauser; ingen pakning i perioden.",
        )
        documents.confirm_part_one(case=case, actor=hr, statement=statement)
    with on(3):
        documents.confirm_part_one(case=case, actor=janni, statement=statement)
    with on(5):
        documents.prepare_retention_plan(
            case=case,
            actor=leder,
            plan_request=plan_request,
            work_functions="Janni arbejder i kantinen med lette køkkenopgaver og kasse.",
            working_hours="Fra 15 timer om ugen, op til fuld tid over tre måneder.",
            other_measures="Kursus i kantinedrift betalt af virksomheden.",
        )
        documents.bring_retention_plan(case=case, actor=janni, plan_request=plan_request)
    with on(7):
        actions.record_certificate(
            case=case,
            actor=doctor,
            diagnosis=JANNI_DIAGNOSIS,
            work_capacity="Kan arbejde med lette opgaver uden gentagne greb.",
            considerations="Undgå gentagne greb og løft over 3 kg.",
            expected_return="Delvis tilbagevenden om få uger, fuld tid efter behandling.",
            remarks="Henvist til fysioterapi.",
            expected_return_on=asked + timedelta(days=30),
        )
        documents.complete_statement(
            case=case,
            actor=doctor,
            statement=statement,
            doctor_assessment=(
                "Janni kan varetage opgaverne i kantinen med pauser. Pakning ved linjen "
                "bør vente, til behandlingen er afsluttet."
            ),
            expected_duration="Cirka tre måneder.",
        )
    with on(9, 12):
        # Opened to record the conversation: the certificate received is no longer new.
        notices.mark_seen(case, caseworker)
        actions.record_meeting_held(
            case=case,
            actor=caseworker,
            meeting=conversation,
            held_on=asked + timedelta(days=9),
            minutes=(
                # Only Janni and the jobcentre take part in the first conversation.
                "Samtalen blev holdt på arbejdspladsen. Janni og jobcentret aftalte "
                "delvis sygemelding, behandling og omskoling til kantinen."
            ),
        )
    with on(10):
        first = actions.record_plan(
            case=case,
            actor=caseworker,
            summary="Delvis sygemelding, behandling og omskoling til virksomhedens kantine.",
            measures=[
                {
                    "kind": "partial_return",
                    "description": "15 timer om ugen i kantinen",
                    "owner": "Nordisk Fabrik A/S",
                    "due_on": asked + timedelta(days=14),
                },
                {
                    "kind": "treatment",
                    "description": "Forløb hos fysioterapeut",
                    "owner": "Janni",
                    "due_on": asked + timedelta(days=60),
                },
                {
                    "kind": "retraining",
                    "description": "Kursus i kantinedrift",
                    "owner": "Nordisk Fabrik A/S",
                    "due_on": asked + timedelta(days=45),
                },
            ],
            partial_leave_hours_per_week=22,
            evaluate_on=asked + timedelta(days=40),
        )
        documents.comment_plan(
            case=case,
            actor=janni,
            version=first,
            text="Jeg vil gerne op i tid, når kurset er slut.",
        )
        documents.comment_plan(
            case=case, actor=hr, version=first, text="Kantinen har plads til Janni fra mandag."
        )
    with on(40):
        second = actions.record_plan(
            case=case,
            actor=caseworker,
            summary="Kurset er bestået; Janni går op i tid i kantinen.",
            measures=[
                {
                    "kind": "partial_return",
                    "description": "30 timer om ugen i kantinen",
                    "owner": "Nordisk Fabrik A/S",
                    "due_on": asked + timedelta(days=42),
                },
                {
                    "kind": "treatment",
                    "description": "Afsluttende fysioterapi",
                    "owner": "Janni",
                    "due_on": asked + timedelta(days=60),
                },
            ],
            partial_leave_hours_per_week=7,
            evaluate_on=asked + timedelta(days=70),
        )
    with on(41):
        actions.confirm_plan(case=case, actor=janni, version=second)
        actions.confirm_plan(case=case, actor=hr, version=second)
    with on(75):
        notices.mark_seen(case, caseworker)
        actions.close(
            case=case,
            actor=caseworker,
            outcome=Outcome.BACK_FULL_TIME,
            note="Janni er tilbage på fuld tid i virksomhedens kantine.",
        )


def _plan_in_place(b: _Builder) -> None:
    # Registered by the caseworker for Camilla; the first conversation is
    # held, the plan written, and the retention meeting at the workplace booked.
    caseworker = _user("anden-sagsbehandler")
    case = b.request(
        "2807985572",
        by="anden-sagsbehandler",
        cvr="16480894",
        absent_since=24,
        requested=16,
        answers=EMPLOYEE_ANSWERS,
    )
    actions.assign_caseworker(case=case, actor=caseworker)
    b.conversation_held(
        case,
        caseworker,
        held=8,
        booked=14,
        minutes="Camilla vil gerne tilbage gradvist med lettere opgaver.",
    )
    actions.record_plan(
        case=case,
        actor=caseworker,
        summary="Gradvis tilbagevenden med lettere opgaver og færre timer.",
        measures=[
            {
                "kind": "partial_return",
                "description": "18 timer om ugen med lettere opgaver",
                "owner": "Arbejdsgiver",
                "due_on": b.days(7),
            }
        ],
        partial_leave_hours_per_week=19,
        evaluate_on=b.days(5),
    )
    actions.book_meeting(
        case=case,
        actor=caseworker,
        kind=MeetingKind.RETENTION_MEETING,
        starts_at=_at(b.days(4), 13),
        location="På arbejdspladsen",
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
    # An earlier absence in the spring, withdrawn by HR before Hanne answered:
    # she was back at work within the week.
    earlier = b.request(
        "0204751350", by="hr", cvr="29887659", absent_since=140, requested=134, answers={}
    )
    with _clock_at(b.days(-133)):
        actions.withdraw(
            case=earlier, actor=_user("hr"), reason="Hanne er tilbage på arbejde på fuld tid."
        )
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
    b.conversation_held(
        case,
        caseworker,
        held=33,
        booked=38,
        minutes="Peter forventer at vende tilbage på fuld tid efter behandling.",
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
    ("2807985572", _plan_in_place),
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
