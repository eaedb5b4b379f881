"""Every change to a case, one named action each (DESIGN.md §5.2).

Each action runs in one transaction, locks the case row, checks the state
table and the actor's right, makes the change, writes the history with old and
new values, and recomputes the deadlines. Views, API endpoints, commands,
fixtures and tests all go through here; nothing else writes case rows.

Each action that tells someone something makes one ``letters.send`` call,
inside its transaction: the letters commit with the change or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from fasttrack.audit.history import NewEvent, record_event, record_events, start_history
from fasttrack.audit.verbs import EventVerb
from fasttrack.cases import clock, guards, letters, notices, written
from fasttrack.cases.access import role_in_case
from fasttrack.cases.errors import (
    AnswersAlreadyGiven,
    AnswersRequired,
    CancelReasonRequired,
    CertificateAlreadyRecorded,
    CertificateNotRequested,
    ClosedOnOutOfRange,
    ConsentAlreadyGiven,
    ConsentNotLate,
    DoctorNotAskedForCertificate,
    EmployerConversationOutOfRange,
    EvaluationBeforeAbsence,
    ExpectedReturnBeforeAbsence,
    HeldOnOutOfRange,
    IdentityAlreadyConfirmed,
    InvalidMeeting,
    InvalidOutcome,
    InvalidPlanVersion,
    LetterNotFailed,
    LetterNotOnCase,
    MeasureDueBeforeAbsence,
    MeetingAlreadyHeld,
    MeetingStarted,
    MeetingTimeNotInFuture,
    NotANearestManager,
    NothingToRebook,
    NotInvited,
    NotPermitted,
    OpenCaseExists,
    PartialLeaveTooFewHours,
    PlanAlreadyConfirmed,
    PlanVersionNotCurrent,
    ReasonRequired,
    RebookReasonRequired,
    ResponseReasonRequired,
    RuleViolation,
    TaskDescriptionRequired,
)
from fasttrack.cases.models import (
    Absence,
    Answers,
    CaseDeadline,
    Channel,
    Consent,
    ConsentDecision,
    DeadlineStatus,
    EmployerConversation,
    FastTrackCase,
    JournalNote,
    NoticeKind,
    Outcome,
    Party,
    Requester,
)
from fasttrack.cases.states import OPEN_STATES, Action, State, require_transition
from fasttrack.lib.rules import (
    QUESTION_KEYS,
    DeadlineKey,
    add_banking_days,
    banking_days_between,
    check_certificate_days,
    check_request,
    employee_consent,
    first_conversation_day,
    first_followup_conversation,
    medical_certificate,
    question_set,
    rule_set_by_version,
    rule_set_for,
)
from fasttrack.medical.models import Certificate, CertificateRequest, RequestStatus
from fasttrack.meetings.access import doctor_may_be_invited
from fasttrack.meetings.models import (
    MILESTONE_OF_KIND,
    RESPONSES_WITH_REASON,
    Meeting,
    MeetingKind,
    MeetingParticipant,
    MeetingState,
    MeetingTask,
    Response,
)
from fasttrack.meetings.models import Party as MeetingParty
from fasttrack.meetings.parties import (
    as_party,
    check_party,
    missing_parties,
    party_for_role,
    required_parties,
)
from fasttrack.notifications.models import Message
from fasttrack.notifications.outbox import retry_message_now
from fasttrack.people.models import (
    EMPLOYER_ROLES,
    JOBCENTRE_ROLES,
    Employer,
    Employment,
    Municipality,
    Person,
    Role,
    membership_of,
)
from fasttrack.plans.models import MeasureKind, PlanVersion, RetentionPlan

if TYPE_CHECKING:
    from fasttrack.cases.identity import RequestedEmployee

AnswerTexts = Mapping[str, str]

_EMPLOYER = frozenset({Role.EMPLOYER})
_EMPLOYEE = frozenset({Role.EMPLOYEE})
_DOCTOR = frozenset({Role.DOCTOR})
_JOBCENTRE = JOBCENTRE_ROLES
_REQUESTER_ROLES = {
    Requester.EMPLOYER: _EMPLOYER,
    Requester.EMPLOYEE: _EMPLOYEE,
    Requester.CASEWORKER: _JOBCENTRE,
}
# Health data and the employee's own answers never reach the employer's view
# of the history.
_HIDDEN_FROM_EMPLOYER_KEYS = frozenset({DeadlineKey.MEDICAL_CERTIFICATE})


# --- small helpers -----------------------------------------------------------


def _today() -> date:
    # The legal clock runs on Danish dates, not UTC ones.
    return timezone.localdate()


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _lock(case: FastTrackCase) -> FastTrackCase:
    """The case re-read under its row lock: every check sees the committed state."""
    return (
        FastTrackCase.objects.select_for_update(of=("self",))
        .select_related("absence__person")
        .get(pk=case.pk)
    )


def _require_role(actor: Any, case: FastTrackCase, roles: frozenset[Role], action: Action) -> Role:
    role = role_in_case(actor, case)
    if role is None or role not in roles:
        raise NotPermitted(role=role.value if role else "-", action=action.value)
    return role


def _finish(
    case: FastTrackCase,
    actor: Any,
    *,
    today: date | None = None,
    new_case: clock.NewCase | None = None,
) -> FastTrackCase:
    """Recompute the deadlines, write their status changes into the history, and
    tell the doctor when the first conversation moved the certificate's deadline (R-16).

    ``new_case`` for a case created in this transaction, whose deadlines the
    caller then finds in ``written.take(case)``."""
    if new_case is None:
        _finish_all([case], actor, today=today)
        return case
    recomputed = clock.recompute_deadlines(case, today=today or _today(), new_case=new_case)
    written.keep(case, written.Written(recomputed.rows, new_case.answers))
    _record_recomputed([case], {case.pk: recomputed}, actor)
    return case


def _finish_all(cases: Sequence[FastTrackCase], actor: Any, *, today: date | None = None) -> None:
    """``_finish`` for many locked cases at once (the sweep's chunk), each table
    read and written once for all of them."""
    recomputed = clock.recompute_deadlines_of(cases, today=today or _today())
    _record_recomputed(cases, recomputed, actor)


def _record_recomputed(
    cases: Sequence[FastTrackCase], recomputed: Mapping[int, clock.Recomputed], actor: Any
) -> None:
    """The history of what the clock changed, and the doctor told of a moved due day."""
    record_events(
        [
            NewEvent(
                case=case,
                verb=EventVerb.DEADLINE_MET,
                actor=actor,
                old={"key": change.key, "status": change.old},
                new={"key": change.key, "status": change.new, "met_on": _iso(change.met_on)},
                visible_to_employer=change.key not in _HIDDEN_FROM_EMPLOYER_KEYS,
            )
            for case in cases
            for change in recomputed[case.pk].statuses
            if change.new == DeadlineStatus.MET
        ]
    )
    for case in cases:
        for moved in recomputed[case.pk].moved:
            if moved.key == DeadlineKey.MEDICAL_CERTIFICATE and (
                open_request := guards.open_certificate_request(case)
            ):
                letters.send(letters.certificate_due_moved(case, open_request, old_due=moved.old))


def _move(case: FastTrackCase, action: Action) -> tuple[str, str]:
    old = case.state
    case.state = require_transition(case.state, action)
    case.save(update_fields=["state", "updated_at"])
    return old, case.state


# --- answers to the three questions (R-06 to R-08) ----------------------------


def _answer_texts(party: Party, answers: AnswerTexts | None) -> dict[str, str]:
    given = dict(answers or {})
    if unknown := set(given) - set(QUESTION_KEYS):
        raise ValueError(f"Unknown questions: {', '.join(sorted(unknown))}")
    texts = {key: (given.get(key) or "").strip() for key in QUESTION_KEYS}
    # The employer may leave them blank; the employee is asked them.
    missing = [key for key, text in texts.items() if not text]
    if party == Party.EMPLOYEE and missing:
        raise AnswersRequired(missing=tuple(missing))
    return texts


def _save_answers(
    case: FastTrackCase,
    *,
    party: Party,
    answers: AnswerTexts | None,
    actor: Any,
    new_case: bool = False,
) -> Answers:
    # A case created in this transaction has no answers yet.
    if not new_case and Answers.objects.filter(case=case, party=party).exists():
        raise AnswersAlreadyGiven(party=party.value)
    texts = _answer_texts(party, answers)
    questions = question_set(case.question_set_version)
    saved = Answers.objects.create(
        case=case,
        party=party,
        question_set_version=questions.version,
        questions={q.key: {"da": q.da, "en": q.en} for q in questions.questions.values()},
        given_by=actor,
        given_at=timezone.now(),
        **texts,
    )
    # The texts stay out of the history: the employer sees history.
    record_event(
        case=case,
        verb=EventVerb.ANSWERS_GIVEN,
        actor=actor,
        new={"party": party.value, "question_set_version": questions.version},
        visible_to_employer=party == Party.EMPLOYER,
    )
    return saved


def record_answers(
    *, case: FastTrackCase, actor: Any, party: Party | str, answers: AnswerTexts
) -> Answers:
    """A party answers the three questions after the request (R-06, R-07)."""
    party = Party(party)
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.RECORD_ANSWERS)
        roles = _EMPLOYER if party == Party.EMPLOYER else _EMPLOYEE
        _require_role(actor, case, roles, Action.RECORD_ANSWERS)
        saved = _save_answers(case, party=party, answers=answers, actor=actor)
        _finish(case, actor)
    return saved


# --- the request (R-01 to) ----------------------------------


def _require_requester(
    actor: Any,
    *,
    requested_by: Requester,
    person: Person,
    employer: Employer | None,
    employee: RequestedEmployee | None = None,
) -> None:
    membership = membership_of(actor)
    role = Role(membership.role) if membership else None
    if membership is None or role not in _REQUESTER_ROLES[requested_by]:
        raise NotPermitted(role=role.value if role else "", action="request")
    if requested_by == Requester.EMPLOYER:
        # Its employee, or someone the request names with name and home
        # municipality, whom the register decides on.
        employs = (employee is not None and employee.person.pk == person.pk) or (
            Employment.objects.filter(person=person, employer=employer).exists()
        )
        allowed = employer is not None and membership.employer_id == employer.pk and employs
    elif requested_by == Requester.EMPLOYEE:
        allowed = membership.person_id == person.pk
    else:
        allowed = membership.municipality_id == person.municipality_id
    if not allowed:
        raise NotPermitted(role=membership.role, action="request")


def _require_nearest_manager(manager: Any, employer: Employer | None) -> None:
    membership = membership_of(manager)
    if (
        membership is None
        or membership.role != Role.MANAGER
        or employer is None
        or membership.employer_id != employer.pk
    ):
        raise NotANearestManager(
            name=manager.get_full_name() or manager.get_username(),
            employer=employer.name if employer else "-",
        )


def _existing_case(
    person: Person, employer: Employer | None, first_absence_day: date
) -> FastTrackCase | None:
    return (
        FastTrackCase.objects.select_for_update(of=("self",))
        .filter(
            absence__person=person,
            absence__employer=employer,
            absence__first_absence_day=first_absence_day,
        )
        .first()
    )


def request_fast_track(
    *,
    actor: Any,
    person: Person,
    employer: Employer | None,
    first_absence_day: date,
    expects_over_8_weeks: bool,
    answers: AnswerTexts | None,
    requested_by: Requester | str,
    channel: Channel | str,
    nearest_manager: Any = None,
    leaves_within_8_weeks: bool = False,
    employee: RequestedEmployee | None = None,
    new_absence: bool = False,
    today: date | None = None,
) -> tuple[FastTrackCase, bool]:
    """Request Fast track for an absence; ``created`` is False when it joined a case (R-05).

    ``employee`` is what ``identity.employee_for_request`` made of an
    employer's request for someone not yet its employee (R-36);
    ``new_absence`` confirms a new absence while another case is open (R-34).
    """
    today = today or _today()
    requested_by = Requester(requested_by)
    channel = Channel(channel)
    _require_requester(
        actor, requested_by=requested_by, person=person, employer=employer, employee=employee
    )
    if nearest_manager is not None:
        _require_nearest_manager(nearest_manager, employer)
    with transaction.atomic():
        existing, open_case = _cases_of(person, employer, first_absence_day)
        if existing is None:
            rule_set = rule_set_for(today)
            check_request(
                rule_set,
                first_absence_day=first_absence_day,
                request_date=today,
                expects_over_8_weeks=expects_over_8_weeks,
                today=today,
            )
            if open_case is not None and not new_absence:
                raise OpenCaseExists(
                    case_id=open_case.pk,
                    first_absence_day=open_case.absence.first_absence_day,
                )
            if (
                employee is not None
                and employee.identity_confirmed
                and employee.is_new_employee
                and employer is not None
            ):
                # A confirmed identity, and only that, makes the employment;
                # an employee found as the employer's has one.
                Employment.objects.get_or_create(person=person, employer=employer)
            try:
                with transaction.atomic():
                    absence = Absence.objects.create(
                        person=person,
                        employer=employer,
                        first_absence_day=first_absence_day,
                        expects_over_8_weeks=expects_over_8_weeks,
                        leaves_within_8_weeks=leaves_within_8_weeks,
                    )
            except IntegrityError:
                # A request for the same absence was committed in the meantime.
                existing = _existing_case(person, employer, first_absence_day)
                assert existing is not None
            else:
                case = _open_case(
                    absence=absence,
                    actor=actor,
                    requested_by=requested_by,
                    channel=channel,
                    answers=answers,
                    nearest_manager=nearest_manager,
                    today=today,
                    rule_set_version=rule_set.version,
                    employee=employee,
                )
                if open_case is not None:
                    _link_new_absence(open_case, case, actor=actor)
                return case, True
        case = _join(
            case=existing,
            actor=actor,
            requested_by=requested_by,
            channel=channel,
            answers=answers,
            nearest_manager=nearest_manager,
            today=today,
        )
        return case, False


def _cases_of(
    person: Person, employer: Employer | None, first_absence_day: date
) -> tuple[FastTrackCase | None, FastTrackCase | None]:
    """The case for this absence (R-05) and the person's open case with the same
    employer (R-34), if any, both locked, in one statement."""
    wanted = Q(absence__first_absence_day=first_absence_day)
    if employer is not None:
        wanted |= Q(state__in=OPEN_STATES)
    cases = list(
        FastTrackCase.objects.select_for_update(of=("self",))
        .select_related("absence")
        .filter(wanted, absence__person=person, absence__employer=employer)
        .order_by("pk")
    )
    existing = next(
        (case for case in cases if case.absence.first_absence_day == first_absence_day), None
    )
    open_case = next((case for case in cases if case.state in OPEN_STATES), None)
    return existing, open_case if employer is not None else None


def _link_new_absence(open_case: FastTrackCase, case: FastTrackCase, *, actor: Any) -> None:
    """R-34: the new case points to the open one, whose caseworker is told."""
    case.previous_case = open_case
    case.save(update_fields=["previous_case", "updated_at"])
    new_day = _iso(case.absence.first_absence_day)
    record_event(
        case=open_case,
        verb=EventVerb.NEW_ABSENCE_LINKED,
        actor=actor,
        new={"case_id": case.pk, "first_absence_day": new_day},
        visible_to_employer=case.requested_by == Requester.EMPLOYER,
    )
    notices.tell_jobcentre(
        open_case,
        NoticeKind.NEW_ABSENCE,
        key=f"new_absence:{case.pk}",
        actor=actor,
        context={"first_absence_day": case.absence.first_absence_day, "new_case_id": case.pk},
    )


def _open_case(
    *,
    absence: Absence,
    actor: Any,
    requested_by: Requester,
    channel: Channel,
    answers: AnswerTexts | None,
    nearest_manager: Any,
    today: date,
    rule_set_version: str,
    employee: RequestedEmployee | None = None,
) -> FastTrackCase:
    by_employer = requested_by == Requester.EMPLOYER
    rule_set = rule_set_by_version(rule_set_version)
    confirmed = employee is None or employee.identity_confirmed
    case = FastTrackCase.objects.create(
        absence=absence,
        # The jobcentre of the home municipality on the request date: the
        # register's when it knows the person (R-36, § 9).
        municipality_id=absence.person.municipality_id,
        requested_by=requested_by,
        request_channel=channel,
        requested_on=today,
        requested_by_user=actor,
        rule_set_version=rule_set.version,
        question_set_version=rule_set.question_set,
        # An employee's own request is its own consent; the employer's
        # request waits for it, and the letter goes out the same day,
        # once the employee's identity is confirmed.
        state=State.AWAITING_CONSENT if by_employer else State.ACTIVE,
        consent_letter_sent_on=today if by_employer and confirmed else None,
        nearest_manager=nearest_manager,
        identity_confirmed=confirmed,
        employee_name_given=employee.name_given if employee else "",
        municipality_given=employee.municipality_given if employee else None,
    )
    if Person.municipality.is_cached(absence.person):
        # Read with the person (``Person.objects.employee_of``): the letters need it.
        case.municipality = absence.person.municipality

    start_history(case)
    record_event(
        case=case,
        verb=EventVerb.REQUESTED,
        actor=actor,
        new={
            "state": case.state,
            "requested_by": requested_by.value,
            "channel": channel.value,
            "first_absence_day": _iso(absence.first_absence_day),
            "requested_on": _iso(today),
            "rule_set_version": case.rule_set_version,
        },
    )
    party = Party.EMPLOYER if by_employer else Party.EMPLOYEE
    given = []
    if answers is not None or party == Party.EMPLOYEE:
        given.append(_save_answers(case, party=party, answers=answers, actor=actor, new_case=True))
    consent = None
    if not by_employer:
        consent = _save_consent(
            case, accepted=True, on=today, late=False, channel=channel, actor=actor
        )
    elif confirmed:
        letters.send(letters.consent_request(case, answers=given))
    else:
        notices.tell_jobcentre(case, NoticeKind.IDENTITY_TO_CONFIRM, key="identity", actor=actor)
    if requested_by == Requester.CASEWORKER:
        # The citizen learns from the jobcentre what it registered for them.
        letters.send(letters.request_registered(case))
    _finish(case, actor, today=today, new_case=clock.NewCase(consent=consent, answers=given))
    if requested_by == Requester.EMPLOYEE:
        # The employee's own request starts the clock at once.
        notices.tell_jobcentre(
            case,
            NoticeKind.NEW_CASE,
            key="new_case",
            actor=actor,
            context={"conversation_due": _due(case, DeadlineKey.FIRST_FOLLOWUP_CONVERSATION)},
        )
    return case


def _due(case: FastTrackCase, key: DeadlineKey) -> date | None:
    return CaseDeadline.objects.filter(case=case, key=key).values_list("due_on", flat=True).first()


def _join(
    *,
    case: FastTrackCase,
    actor: Any,
    requested_by: Requester,
    channel: Channel,
    answers: AnswerTexts | None,
    nearest_manager: Any,
    today: date,
) -> FastTrackCase:
    """A second request for the same absence joins the case it belongs to (R-05).

    The same party asking again (a retry without an idempotency key, a double
    click, a payroll file sent twice) is no new join: when it brings nothing
    the case lacks, nothing is recorded and the case is answered as it is.
    """
    require_transition(case.state, Action.JOIN)
    if _is_repeat(case, requested_by, answers=answers, nearest_manager=nearest_manager):
        return case
    record_event(
        case=case,
        verb=EventVerb.JOINED,
        actor=actor,
        new={"requested_by": requested_by.value, "channel": channel.value, "on": _iso(today)},
        visible_to_employer=requested_by == Requester.EMPLOYER,
    )
    if nearest_manager is not None and case.nearest_manager_id is None:
        case.nearest_manager = nearest_manager
        case.save(update_fields=["nearest_manager", "updated_at"])
    if requested_by == Requester.EMPLOYER:
        if answers is not None and not Answers.objects.filter(case=case, party=Party.EMPLOYER):
            _save_answers(case, party=Party.EMPLOYER, answers=answers, actor=actor)
        return _finish(case, actor, today=today)
    if case.state == State.AWAITING_CONSENT and not Consent.objects.filter(case=case).exists():
        # The employee's own request while the employer's awaits consent is
        # that consent.
        _consent(case, actor=actor, accepted=True, answers=answers, on=today, channel=channel)
    elif answers is not None and not Answers.objects.filter(case=case, party=Party.EMPLOYEE):
        _save_answers(case, party=Party.EMPLOYEE, answers=answers, actor=actor)
    return _finish(case, actor, today=today)


# --- the employee's identity (R-36) ---------------------------------------------


def confirm_identity(
    *,
    case: FastTrackCase,
    actor: Any,
    name: str,
    municipality: Municipality,
    today: date | None = None,
) -> FastTrackCase:
    """The caseworker confirms (or corrects) who the employee is (R-36).

    The person's name and home municipality become what the caseworker
    confirmed, the person enters the register, the employment is made, and
    the letter the request held back goes to the citizen. A corrected home
    municipality moves the case to that municipality's jobcentre.
    """
    today = today or _today()
    name = " ".join(name.split())
    if not name:
        raise ReasonRequired()
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.CONFIRM_IDENTITY)
        _require_role(actor, case, _JOBCENTRE, Action.CONFIRM_IDENTITY)
        if case.identity_confirmed:
            raise IdentityAlreadyConfirmed()
        person = Person.objects.select_for_update().get(pk=case.absence.person_id)
        old = {"name": person.name, "municipality": person.municipality.code}
        person.name = name
        person.municipality = municipality
        person.identity_confirmed = True
        person.save(update_fields=["name", "municipality", "identity_confirmed"])
        case.absence.person = person
        if case.absence.employer_id is not None:
            Employment.objects.get_or_create(person=person, employer_id=case.absence.employer_id)
        case.identity_confirmed = True
        fields = ["identity_confirmed", "updated_at"]
        if case.municipality_id != municipality.pk:
            case.municipality = municipality
            case.caseworker = None
            fields += ["municipality", "caseworker"]
            # Its deadlines carry the municipality for the statistics (``CaseDeadline``).
            CaseDeadline.objects.filter(case=case).update(municipality=municipality)
        if case.requested_by == Requester.EMPLOYER and case.state == State.AWAITING_CONSENT:
            case.consent_letter_sent_on = today
            fields.append("consent_letter_sent_on")
        case.save(update_fields=fields)
        record_event(
            case=case,
            verb=EventVerb.IDENTITY_CONFIRMED,
            actor=actor,
            old=old,
            new={"name": name, "municipality": municipality.code},
            # Whom the number belongs to is the register's, not the employer's.
            visible_to_employer=False,
        )
        notices.settle(case, NoticeKind.IDENTITY_TO_CONFIRM, actor)
        if case.consent_letter_sent_on == today and case.requested_by == Requester.EMPLOYER:
            letters.send(letters.consent_request(case))
        _finish(case, actor, today=today)
    return case


# --- the employee's own doctor ---------------------------------------------------


def set_own_doctor(*, case: FastTrackCase, actor: Any, clinic: Any) -> FastTrackCase:
    """The employee confirms or names their own doctor's clinic; or the caseworker sets it
    before asking for a certificate (R-15). Never the employer's to see (R-18)."""
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.SET_OWN_DOCTOR)
        _require_role(actor, case, _EMPLOYEE | _JOBCENTRE, Action.SET_OWN_DOCTOR)
        person = Person.objects.select_for_update().get(pk=case.absence.person_id)
        old = person.clinic
        if old is not None and old.pk == clinic.pk:
            return case
        person.clinic = clinic
        person.save(update_fields=["clinic"])
        case.absence.person = person
        record_event(
            case=case,
            verb=EventVerb.OWN_DOCTOR_SET,
            actor=actor,
            old={"clinic": old.name} if old is not None else {},
            new={"clinic": clinic.name, "clinic_number": clinic.provider_number},
            visible_to_employer=False,
        )
        _finish(case, actor)
    return case


# --- the nearest manager --------------------------------------------------------


def _user_name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def set_nearest_manager(*, case: FastTrackCase, actor: Any, manager: Any) -> FastTrackCase:
    """HR chooses (or changes) the case's nearest manager among the employer's managers."""
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.SET_NEAREST_MANAGER)
        _require_role(actor, case, _EMPLOYER, Action.SET_NEAREST_MANAGER)
        _require_nearest_manager(manager, case.absence.employer)
        old = case.nearest_manager
        if old is not None and old.pk == manager.pk:
            return case
        case.nearest_manager = manager
        case.save(update_fields=["nearest_manager", "updated_at"])
        record_event(
            case=case,
            verb=EventVerb.NEAREST_MANAGER_SET,
            actor=actor,
            old={"name": _user_name(old)} if old is not None else {},
            new={"name": _user_name(manager)},
        )
        _finish(case, actor)
    return case


def invite_nearest_manager(
    *, case: FastTrackCase, actor: Any, first_name: str, last_name: str, email: str
) -> tuple[FastTrackCase, Any]:
    """HR invites a new manager by e-mail and names them nearest manager on the case.

    The invitee gets a manager's account at the employer without a password
    and an e-mail with a single-use link, valid 7 days, to choose one. The
    invitation is in the case's history.
    """
    from fasttrack.login.accounts import create_account, invitation_link

    email = email.strip().lower()
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.SET_NEAREST_MANAGER)
        _require_role(actor, case, _EMPLOYER, Action.SET_NEAREST_MANAGER)
        employer = case.absence.employer
        assert employer is not None
        manager, token = create_account(
            username=email,
            role=Role.MANAGER,
            organisation={"employer": employer},
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            created_by=actor,
        )
        old = case.nearest_manager
        case.nearest_manager = manager
        case.save(update_fields=["nearest_manager", "updated_at"])
        record_event(
            case=case,
            verb=EventVerb.NEAREST_MANAGER_INVITED,
            actor=actor,
            old={"name": _user_name(old)} if old is not None else {},
            new={"name": _user_name(manager), "email": email},
        )
        letters.send(letters.manager_invitation(case, manager, link=invitation_link(token)))
        _finish(case, actor)
    return case, manager


def _is_repeat(
    case: FastTrackCase,
    requested_by: Requester,
    *,
    answers: AnswerTexts | None,
    nearest_manager: Any,
) -> bool:
    """Whether ``requested_by`` already requested or joined the case and now brings
    nothing it lacks (a nearest manager, the party's answers)."""
    already = (
        case.requested_by == requested_by
        or case.events.filter(verb=EventVerb.JOINED, new__requested_by=requested_by.value).exists()
    )
    if not already:
        return False
    if nearest_manager is not None and case.nearest_manager_id is None:
        return False
    party = Party.EMPLOYER if requested_by == Requester.EMPLOYER else Party.EMPLOYEE
    return answers is None or Answers.objects.filter(case=case, party=party).exists()


# --- consent (R-11 to R-14) ----------------------------------------------------


def _save_consent(
    case: FastTrackCase, *, accepted: bool, on: date, late: bool, channel: Channel, actor: Any
) -> Consent:
    return Consent.objects.create(
        case=case,
        accepted=accepted,
        answered_on=on,
        answered_at=timezone.now(),
        late=late,
        channel=channel,
        given_by=actor,
    )


def _consent_due(case: FastTrackCase) -> date | None:
    if case.consent_letter_sent_on is None:
        return None
    rule_set = rule_set_by_version(case.rule_set_version)
    return employee_consent(rule_set, case.consent_letter_sent_on).due


def _consent(
    case: FastTrackCase,
    *,
    actor: Any,
    accepted: bool,
    answers: AnswerTexts | None,
    on: date,
    channel: Channel,
) -> None:
    if (given := Consent.objects.filter(case=case).first()) is not None:
        raise ConsentAlreadyGiven(answered_on=given.answered_on)
    due = _consent_due(case)
    late = due is not None and on > due
    if accepted and late:
        # A late acceptance leaves the decision to the caseworker.
        require_transition(case.state, Action.RECORD_LATE_CONSENT)
        old, new = case.state, case.state
    else:
        old, new = _move(case, Action.ACCEPT if accepted else Action.DECLINE)
    _save_consent(case, accepted=accepted, on=on, late=late, channel=channel, actor=actor)
    record_event(
        case=case,
        verb=EventVerb.ACCEPTED if accepted else EventVerb.DECLINED,
        actor=actor,
        old={"state": old},
        new={"state": new, "answered_on": _iso(on), "late": late},
    )
    if accepted:
        _save_answers(case, party=Party.EMPLOYEE, answers=answers, actor=actor)
    letters.send(letters.consent_answered(case, accepted=accepted, late=late))
    kind = (
        NoticeKind.CONSENT_LATE
        if accepted and late
        else NoticeKind.CONSENT_GIVEN
        if accepted
        else NoticeKind.CONSENT_DECLINED
    )
    notices.tell_jobcentre(case, kind, key="consent", actor=actor)


def _answer_request(
    *,
    case: FastTrackCase,
    actor: Any,
    accepted: bool,
    answers: AnswerTexts | None,
    on: date | None,
    channel: Channel | str,
) -> FastTrackCase:
    on = on or _today()
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.ACCEPT if accepted else Action.DECLINE)
        _require_role(actor, case, _EMPLOYEE | _JOBCENTRE, Action.ACCEPT)
        _consent(
            case,
            actor=actor,
            accepted=accepted,
            answers=answers,
            on=on,
            channel=Channel(channel),
        )
        return _finish(case, actor, today=on)


def accept(
    *,
    case: FastTrackCase,
    actor: Any,
    answers: AnswerTexts,
    on: date | None = None,
    channel: Channel | str = Channel.WEB,
) -> FastTrackCase:
    """The employee accepts the employer's request and answers the questions (R-07, R-11).

    After the consent deadline the acceptance is recorded as late and the case
    waits for the caseworker's decision (R-12). A caseworker may record a
    consent returned on paper or by phone, naming the channel.
    """
    return _answer_request(
        case=case, actor=actor, accepted=True, answers=answers, on=on, channel=channel
    )


def decline(
    *,
    case: FastTrackCase,
    actor: Any,
    on: date | None = None,
    channel: Channel | str = Channel.WEB,
) -> FastTrackCase:
    """The employee declines: the normal track, first conversation at D0 + 55 (R-13)."""
    return _answer_request(
        case=case, actor=actor, accepted=False, answers=None, on=on, channel=channel
    )


def decide_after_late_consent(
    *, case: FastTrackCase, actor: Any, continue_fast_track: bool, reason: str
) -> FastTrackCase:
    """The caseworker continues Fast track or falls back to the normal track (R-12)."""
    action = Action.CONTINUE_AFTER_LATE_CONSENT if continue_fast_track else Action.FALL_BACK
    today = _today()
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, action)
        _require_role(actor, case, _JOBCENTRE, action)
        if not reason.strip():
            raise ReasonRequired(rule="R-12")
        _require_late_or_missing_consent(case, continue_fast_track=continue_fast_track, on=today)
        old, new = _move(case, action)
        decision = ConsentDecision.objects.create(
            case=case,
            continue_fast_track=continue_fast_track,
            reason=reason.strip(),
            decided_by=actor,
            decided_at=timezone.now(),
        )
        # The reason may hold personal circumstances, so only the jobcentre
        # and the employee see it; the employer sees the new state.
        record_event(
            case=case,
            verb=EventVerb.CONSENT_LATE_DECISION,
            actor=actor,
            old={"state": old},
            new={"state": new, "continue_fast_track": continue_fast_track},
            note=reason.strip(),
            visible_to_employer=False,
        )
        letters.send(letters.consent_decision(case, decision))
        return _finish(case, actor, today=today)


def _require_late_or_missing_consent(
    case: FastTrackCase, *, continue_fast_track: bool, on: date
) -> None:
    consent = Consent.objects.filter(case=case).first()
    due = _consent_due(case)
    late_acceptance = consent is not None and consent.accepted and consent.late
    missing = consent is None and due is not None and on > due
    allowed = late_acceptance if continue_fast_track else late_acceptance or missing
    if not allowed:
        raise ConsentNotLate(due=due)


def withdraw(
    *, case: FastTrackCase, actor: Any, reason: str, note_shared_with_employer: bool = False
) -> FastTrackCase:
    """The requester withdraws before the employee has consented.

    The jobcentre's reason reaches the employer side only when the caseworker
    shares it (``note_shared_with_employer``); an employer reads its own.
    """
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.WITHDRAW)
        _require_role(actor, case, _EMPLOYER | _JOBCENTRE, Action.WITHDRAW)
        if not reason.strip():
            raise ReasonRequired(rule="withdraw")
        old, new = _move(case, Action.WITHDRAW)
        record_event(
            case=case,
            verb=EventVerb.WITHDRAWN,
            actor=actor,
            old={"state": old},
            new={"state": new},
            note=reason.strip(),
            note_shared_with_employer=note_shared_with_employer and bool(reason.strip()),
        )
        letters.send(letters.request_withdrawn(case, on=_today()))
        return _finish(case, actor)


# --- the doctor (R-15 to R-18) -------------------------------------------------


def _answers_for_doctor(case: FastTrackCase) -> dict[str, dict[str, Any] | None]:
    # The doctor receives both parties' answers with the request (R-09, R-15).
    snapshot: dict[str, dict[str, Any] | None] = {party.value: None for party in Party}
    for answers in Answers.objects.filter(case=case):
        snapshot[answers.party] = {
            "question_set_version": answers.question_set_version,
            "questions": answers.questions,
            **{key: getattr(answers, key) for key in QUESTION_KEYS},
        }
    return snapshot


def certificate_conversation_day(case: FastTrackCase) -> date:
    """The day the certificate is due by at the latest: the first conversation's (R-16)."""
    rule_set = rule_set_by_version(case.rule_set_version)
    facts = clock.case_facts(case)
    conversation = first_followup_conversation(
        rule_set, case.requested_on, case.absence.first_absence_day, declined=facts.declined
    )
    day = first_conversation_day(facts, conversation)
    assert day is not None
    return day


def request_certificate(
    *, case: FastTrackCase, actor: Any, due_in_days: int | None = None, on: date | None = None
) -> CertificateRequest:
    """Ask the employee's own doctor for LÆ 285 (R-15), one open request at a time (R-35).

    The certificate is due by the first conversation, at the latest 14 days and
    at the earliest 8 days after the request (R-16). Without ``due_in_days``
    the doctor gets as long as that allows; a longer time is refused.
    """
    on = on or _today()
    with transaction.atomic():
        case = _lock(case)
        guards.require(guards.refusal_to_request_certificate(case))
        _require_role(actor, case, _JOBCENTRE, Action.REQUEST_CERTIFICATE)
        clinic = case.absence.person.clinic
        assert clinic is not None
        rule_set = rule_set_by_version(case.rule_set_version)
        conversation_on = certificate_conversation_day(case)
        if due_in_days is not None:
            check_certificate_days(rule_set, on, due_in_days, conversation_on)
        # The time asked for is a ceiling: the conversation caps it, now and
        # whenever it is booked or moved later (``clock``).
        ceiling = rule_set.certificate_days if due_in_days is None else due_in_days
        deadline = medical_certificate(rule_set, on, ceiling, conversation_on=conversation_on)
        assert deadline.due is not None
        certificate_request = CertificateRequest.objects.create(
            case=case,
            clinic=clinic,
            requested_by=actor,
            requested_on=on,
            due_in_days=ceiling,
            due_on=deadline.due,
            answers=_answers_for_doctor(case),
        )
        record_event(
            case=case,
            verb=EventVerb.CERTIFICATE_REQUESTED,
            actor=actor,
            new={"requested_on": _iso(on), "due_on": _iso(deadline.due)},
            visible_to_employer=False,
        )
        letters.send(letters.certificate_requested(case, certificate_request))
        _finish(case, actor, today=on)
    return certificate_request


def record_certificate(
    *,
    case: FastTrackCase,
    actor: Any,
    diagnosis: str,
    work_capacity: str,
    considerations: str,
    expected_return: str,
    remarks: str,
    expected_return_on: date | None = None,
    on: date | None = None,
) -> Certificate:
    """The doctor's certificate (R-17); meets ``medical_certificate`` when in time."""
    received_at = timezone.now() if on is None else _noon(on)
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.RECORD_CERTIFICATE)
        _require_role(actor, case, _DOCTOR, Action.RECORD_CERTIFICATE)
        certificate_request = _open_request_for_doctor(case, actor)
        _require_not_before_absence(case, expected_return_on, ExpectedReturnBeforeAbsence)
        rule_set = rule_set_by_version(case.rule_set_version)
        certificate = Certificate.objects.create(
            request=certificate_request,
            diagnosis=diagnosis,
            work_capacity=work_capacity,
            considerations=considerations,
            expected_return=expected_return,
            expected_return_on=expected_return_on,
            remarks=remarks,
            fee_ore=rule_set.certificate_fee_ore,
            doctor=actor,
            received_at=received_at,
        )
        certificate_request.status = RequestStatus.RECEIVED
        certificate_request.save(update_fields=["status"])
        # Only that it arrived: no diagnosis or certificate text in the
        # history, which the parties read.
        record_event(
            case=case,
            verb=EventVerb.CERTIFICATE_RECEIVED,
            actor=actor,
            new={"received_on": _iso(timezone.localdate(received_at))},
            visible_to_employer=False,
        )
        notices.tell_jobcentre(
            case,
            NoticeKind.CERTIFICATE_RECEIVED,
            key=f"certificate:{certificate_request.pk}",
            actor=actor,
        )
        _finish(case, actor, today=timezone.localdate(received_at))
    return certificate


def _require_not_before_absence(
    case: FastTrackCase, day: date | None, error: type[RuleViolation], **params: Any
) -> None:
    """A date the parties set may not lie before the absence began (R-33)."""
    first_absence_day = case.absence.first_absence_day
    if day is not None and day < first_absence_day:
        raise error(first_absence_day=first_absence_day, **params)


def _noon(on: date) -> datetime:
    return timezone.make_aware(datetime.combine(on, time(12)))


def _open_request_for_doctor(case: FastTrackCase, actor: Any) -> CertificateRequest:
    membership = membership_of(actor)
    assert membership is not None
    current = clock.current_certificate_request(case)
    if current is None or current.clinic_id != membership.clinic_id:
        raise CertificateNotRequested()
    if current.status == RequestStatus.RECEIVED:
        received = Certificate.objects.get(request=current).received_at
        raise CertificateAlreadyRecorded(received_on=timezone.localdate(received))
    return current


# --- meetings (R-19, R-21) -----------------------------------------------------

_HELD_ACTION = guards.HELD_ACTION


def book_meeting(
    *,
    case: FastTrackCase,
    actor: Any,
    kind: MeetingKind | str,
    starts_at: datetime,
    location: str = "",
    video_url: str = "",
    participants: Iterable[Mapping[str, Any]] = (),
    now: datetime | None = None,
) -> Meeting:
    """Book a conversation or meeting; booking meets no deadline (R-19).

    ``participants``: ``{"user": User | None, "name": str, "role": Role | "",
    "party": Party (optional, else from the role), "employee_consented": bool}``.
    The kind's required parties are added from the case when left out. One
    booked meeting of each kind at a time (R-35), at a time to come (R-33);
    ``now`` lets a history be built as of an earlier moment (the demo).
    """
    kind = MeetingKind(kind)
    with transaction.atomic():
        case = _lock(case)
        guards.require(guards.refusal_to_book_meeting(case, kind))
        _require_role(actor, case, _JOBCENTRE, Action.BOOK_MEETING)
        _require_future(starts_at, now)
        invited = _with_required_parties(case, kind, actor, _participant_rows(kind, participants))
        _require_doctor_asked(case, invited)
        meeting = Meeting.objects.create(
            case=case,
            kind=kind,
            starts_at=starts_at,
            location=location,
            video_url=video_url,
            booked_by=actor,
        )
        MeetingParticipant.objects.bulk_create(
            MeetingParticipant(meeting=meeting, **row) for row in invited
        )
        record_event(
            case=case,
            verb=EventVerb.MEETING_BOOKED,
            actor=actor,
            new={"meeting_id": meeting.pk, "kind": kind.value, "starts_at": starts_at.isoformat()},
        )
        letters.send(letters.meeting_booked(case, meeting))
        # A first conversation sooner than the doctor's deadline brings it forward.
        _finish(case, actor)
    return meeting


def _require_doctor_asked(case: FastTrackCase, invited: list[dict[str, Any]]) -> None:
    """The doctor comes only once asked for a certificate: only then may they see the case."""
    for row in invited:
        if row["party"] == MeetingParty.DOCTOR and not doctor_may_be_invited(case, row["user"]):
            raise DoctorNotAskedForCertificate()


def _require_future(starts_at: datetime, now: datetime | None) -> None:
    """A meeting is booked or moved only to a time to come, in Danish time (R-33)."""
    now = now or timezone.now()
    if starts_at <= now:
        raise MeetingTimeNotInFuture(now=timezone.localtime(now).replace(second=0, microsecond=0))


def _participant_rows(
    kind: MeetingKind, participants: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    rows = []
    for participant in participants:
        user = participant.get("user")
        role = participant.get("role") or ""
        raw_party = participant.get("party")
        party = as_party(raw_party) if raw_party else party_for_role(role, kind)
        consented = bool(participant.get("employee_consented", False))
        check_party(kind, party, employee_consented=consented)
        rows.append(
            {
                "user": user,
                "name": participant.get("name") or _person_name(user) or "",
                "role": role,
                "party": party,
                "employee_consented": consented,
            }
        )
    return rows


def _from_case(case: FastTrackCase, party: str, actor: Any) -> dict[str, Any] | None:
    """The case's own person for a required party, or None when the case knows nobody."""
    if party == MeetingParty.EMPLOYEE:
        # The reverse one-to-one raises a subclass of AttributeError when empty.
        membership = getattr(case.absence.person, "membership", None)
        user = membership.user if membership else None
        return {"user": user, "name": case.absence.person.name, "role": Role.EMPLOYEE}
    if party == MeetingParty.NEAREST_MANAGER:
        user = case.nearest_manager
        if user is None:
            return None
        return {"user": user, "name": _person_name(user), "role": Role.MANAGER}
    user = case.caseworker or actor
    role = _require_role(user, case, _JOBCENTRE, Action.BOOK_MEETING)
    return {"user": user, "name": _person_name(user), "role": role}


def _with_required_parties(
    case: FastTrackCase, kind: MeetingKind, actor: Any, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """``rows`` with the kind's required parties the caller left out, taken from the case.

    A party the case does not know (a retention meeting on a case without a
    nearest manager) is left for the caseworker to bring by other means.
    """
    for party in missing_parties(kind, {row["party"] for row in rows}):
        if (row := _from_case(case, party, actor)) is not None:
            rows.append({**row, "party": party, "employee_consented": False})
    # The required parties first, in their order, then the guests as given.
    order = {party: index for index, party in enumerate(required_parties(kind))}
    return sorted(rows, key=lambda row: order.get(row["party"], len(order)))


def _lock_meeting(case: FastTrackCase, meeting: Meeting) -> Meeting:
    """The meeting re-read under its row lock, after the case's."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.case_id != case.pk:
        raise InvalidMeeting(meeting=meeting.pk)
    return locked


def _meeting_values(meeting: Meeting) -> dict[str, Any]:
    return {
        "meeting_id": meeting.pk,
        "kind": meeting.kind,
        # In Danish time, as the booking recorded it.
        "starts_at": timezone.localtime(meeting.starts_at).isoformat(),
        "location": meeting.location,
        "video_url": meeting.video_url,
        "sequence": meeting.sequence,
    }


def rebook_meeting(
    *,
    case: FastTrackCase,
    actor: Any,
    meeting: Meeting,
    reason: str,
    starts_at: datetime | None = None,
    location: str | None = None,
    video_url: str | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Move the meeting or change its place or video link; None keeps a value.

    Calendars replace the entry (same UID, higher SEQUENCE), and every answer
    goes back to "not answered": the time or place people said yes to is gone.
    A new time must be one to come (R-33).
    """
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.REBOOK_MEETING)
        _require_role(actor, case, _JOBCENTRE, Action.REBOOK_MEETING)
        meeting = _lock_meeting(case, meeting)
        guards.require(guards.refusal_to_change_meeting(meeting, Action.REBOOK_MEETING))
        if starts_at is not None and starts_at != meeting.starts_at:
            _require_future(starts_at, now)
        if not reason.strip():
            raise RebookReasonRequired()
        old = _meeting_values(meeting)
        changes = {
            "starts_at": starts_at,
            "location": None if location is None else location.strip(),
            "video_url": None if video_url is None else video_url.strip(),
        }
        changed = [
            name
            for name, value in changes.items()
            if value is not None and value != getattr(meeting, name)
        ]
        if not changed:
            raise NothingToRebook()
        for name in changed:
            setattr(meeting, name, changes[name])
        meeting.sequence += 1
        meeting.save(update_fields=[*changed, "sequence"])
        meeting.participants.update(
            response=Response.PENDING, response_reason="", suggested_times="", responded_at=None
        )
        # The reason may be personal, so the employer side does not read it
        # in the history; its letter says that the meeting moved.
        record_event(
            case=case,
            verb=EventVerb.MEETING_REBOOKED,
            actor=actor,
            old=old,
            new=_meeting_values(meeting),
            note=reason.strip(),
            visible_to_employer=False,
        )
        letters.send(letters.meeting_rebooked(case, meeting, old=old, reason=reason.strip()))
        # A moved first conversation moves the doctor's deadline with it.
        _finish(case, actor)
    return meeting


def cancel_meeting(*, case: FastTrackCase, actor: Any, meeting: Meeting, reason: str) -> Meeting:
    """Cancel the meeting: every participant's calendar removes it (METHOD:CANCEL)."""
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.CANCEL_MEETING)
        _require_role(actor, case, _JOBCENTRE, Action.CANCEL_MEETING)
        meeting = _lock_meeting(case, meeting)
        guards.require(guards.refusal_to_change_meeting(meeting, Action.CANCEL_MEETING))
        if not reason.strip():
            raise CancelReasonRequired()
        old_state = meeting.state
        meeting.state = MeetingState.CANCELLED
        meeting.cancelled_at = timezone.now()
        meeting.sequence += 1
        meeting.save(update_fields=["state", "cancelled_at", "sequence"])
        record_event(
            case=case,
            verb=EventVerb.MEETING_CANCELLED,
            actor=actor,
            old={"meeting_id": meeting.pk, "state": old_state},
            new={
                "meeting_id": meeting.pk,
                "kind": meeting.kind,
                "state": meeting.state,
                "starts_at": timezone.localtime(meeting.starts_at).isoformat(),
                "sequence": meeting.sequence,
            },
            note=reason.strip(),
            visible_to_employer=False,
        )
        letters.send(letters.meeting_cancelled(case, meeting, reason=reason.strip()))
        _finish(case, actor)
    return meeting


def answer_invitation(
    *,
    case: FastTrackCase,
    actor: Any,
    meeting: Meeting,
    response: Response | str,
    reason: str = "",
    suggested_times: str = "",
    participant: MeetingParticipant | None = None,
) -> MeetingParticipant:
    """A participant accepts, declines or asks for another time, until the meeting starts.

    Without ``participant`` the actor answers their own invitation; the
    caseworker may pass one without a login (a companion, a union
    representative) to record the answer they gave by phone.
    """
    response = Response(response)
    if response == Response.PENDING:
        raise ValueError("An answer is accepted, declined or a request for another time.")
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.ANSWER_INVITATION)
        meeting = _lock_meeting(case, meeting)
        participant = _answering(case, meeting, actor, participant)
        guards.require(guards.refusal_to_change_meeting(meeting, Action.ANSWER_INVITATION))
        if timezone.now() >= meeting.starts_at:
            raise MeetingStarted(starts_on=timezone.localdate(meeting.starts_at))
        reason = reason.strip() if response in RESPONSES_WITH_REASON else ""
        if response in RESPONSES_WITH_REASON and not reason:
            raise ResponseReasonRequired()
        old = participant.response
        participant.response = response
        participant.response_reason = reason
        participant.suggested_times = (
            suggested_times.strip() if response == Response.NEW_TIME_REQUESTED else ""
        )
        participant.responded_at = timezone.now()
        participant.save(
            update_fields=["response", "response_reason", "suggested_times", "responded_at"]
        )
        # The reason may be about health: the jobcentre's and the employee's only.
        record_event(
            case=case,
            verb=EventVerb.MEETING_ANSWERED,
            actor=actor,
            old={"meeting_id": meeting.pk, "participant_id": participant.pk, "response": old},
            new={
                "meeting_id": meeting.pk,
                "participant_id": participant.pk,
                "party": participant.party,
                "response": response.value,
            },
            note=reason,
            visible_to_employer=False,
        )
        if response in RESPONSES_WITH_REASON:
            assert participant.responded_at is not None
            notices.tell_jobcentre(
                case,
                NoticeKind.MEETING_RESPONSE,
                key=f"meeting:{meeting.pk}:{participant.pk}:{participant.responded_at.isoformat()}",
                actor=actor,
                context=letters.meeting_response_context(case, meeting, participant),
            )
    return participant


def _answering(
    case: FastTrackCase, meeting: Meeting, actor: Any, participant: MeetingParticipant | None
) -> MeetingParticipant:
    if participant is None:
        own = meeting.participants.filter(user=actor).first()
        if own is None:
            raise NotInvited(action=Action.ANSWER_INVITATION.value)
        return own
    _require_role(actor, case, _JOBCENTRE, Action.ANSWER_INVITATION)
    on_behalf = meeting.participants.filter(pk=participant.pk, user=None).first()
    if on_behalf is None:
        # Someone with a login answers for themself.
        raise NotInvited(action=Action.ANSWER_INVITATION.value)
    return on_behalf


def _clean_tasks(tasks: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    for task in tasks:
        party = as_party(task.get("party") or "")
        description = str(task.get("description") or "").strip()
        if not description:
            raise TaskDescriptionRequired(meeting_party=party.value)
        cleaned.append({"party": party, "description": description, "due_on": task.get("due_on")})
    return cleaned


def record_meeting_held(
    *,
    case: FastTrackCase,
    actor: Any,
    meeting: Meeting,
    held_on: date,
    minutes: str,
    tasks: Iterable[Mapping[str, Any]] = (),
    today: date | None = None,
) -> Meeting:
    """The meeting took place: this, not the booking, meets its deadline (R-19, R-21).

    ``tasks``: ``{"party": Party, "description": str, "due_on": date | None}``;
    each participant is told that the minutes are ready and what is theirs to do.
    Held on a day from the booked day to today, never before its day has come (R-33).
    """
    today = today or _today()
    with transaction.atomic():
        case = _lock(case)
        meeting = _lock_meeting(case, meeting)
        require_transition(case.state, _HELD_ACTION[MeetingKind(meeting.kind)])
        _require_role(actor, case, _JOBCENTRE, _HELD_ACTION[MeetingKind(meeting.kind)])
        if meeting.state == MeetingState.HELD:
            raise MeetingAlreadyHeld(held_on=meeting.held_on)
        guards.require(guards.refusal_to_record_held(meeting, today=today))
        booked_on = timezone.localdate(meeting.starts_at)
        if not booked_on <= held_on <= today:
            raise HeldOnOutOfRange(earliest=booked_on, latest=today)
        cleaned = _clean_tasks(tasks)
        old_state = meeting.state
        meeting.state = MeetingState.HELD
        meeting.held_on = held_on
        meeting.minutes = minutes
        meeting.save(update_fields=["state", "held_on", "minutes"])
        MeetingTask.objects.bulk_create(MeetingTask(meeting=meeting, **task) for task in cleaned)
        record_event(
            case=case,
            verb=EventVerb.MEETING_HELD,
            actor=actor,
            old={"meeting_id": meeting.pk, "state": old_state},
            new={
                "meeting_id": meeting.pk,
                "state": meeting.state,
                "held_on": _iso(held_on),
                "tasks": len(cleaned),
            },
        )
        letters.send(letters.minutes_ready(case, meeting))
        _finish(case, actor, today=today)
    return meeting


# --- the plan (R-20, R-22) -------------------------------------------------------


def _clean_measures(measures: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    for measure in measures:
        due_on = measure.get("due_on")
        cleaned.append(
            {
                "kind": MeasureKind(measure["kind"]).value,
                "description": str(measure.get("description", "")).strip(),
                "owner": str(measure.get("owner", "")).strip(),
                "due_on": due_on.isoformat() if isinstance(due_on, date) else due_on,
            }
        )
    return cleaned


def _require_partial_leave_hours(case: FastTrackCase, hours: Decimal | int | None) -> None:
    if hours is None:
        return
    minimum = rule_set_by_version(case.rule_set_version).partial_leave_min_hours_per_week
    if Decimal(hours) < minimum:
        raise PartialLeaveTooFewHours(hours=hours, min_hours=minimum)


def _require_plan_dates(
    case: FastTrackCase, evaluate_on: date | None, measures: Sequence[Mapping[str, Any]]
) -> None:
    """No date of the plan lies before the absence began (R-33)."""
    _require_not_before_absence(case, evaluate_on, EvaluationBeforeAbsence)
    for index, measure in enumerate(measures):
        due_on = measure.get("due_on")
        if isinstance(due_on, str) and due_on:
            due_on = date.fromisoformat(due_on)
        if isinstance(due_on, date):
            _require_not_before_absence(case, due_on, MeasureDueBeforeAbsence, index=index)


def record_plan(
    *,
    case: FastTrackCase,
    actor: Any,
    summary: str,
    measures: Sequence[Mapping[str, Any]],
    partial_leave_hours_per_week: Decimal | int | None = None,
    evaluate_on: date | None = None,
) -> PlanVersion:
    """A new version of the retention plan; earlier versions and confirmations stay."""
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.RECORD_PLAN)
        _require_role(actor, case, _JOBCENTRE, Action.RECORD_PLAN)
        _require_partial_leave_hours(case, partial_leave_hours_per_week)
        _require_plan_dates(case, evaluate_on, measures)
        plan, _ = RetentionPlan.objects.get_or_create(case=case)
        number = plan.versions.count() + 1
        version = PlanVersion.objects.create(
            plan=plan,
            number=number,
            summary=summary,
            measures=_clean_measures(measures),
            partial_leave_hours_per_week=partial_leave_hours_per_week,
            evaluate_on=evaluate_on,
            created_by=actor,
        )
        record_event(
            case=case,
            verb=EventVerb.PLAN_RECORDED,
            actor=actor,
            old={"version": number - 1} if number > 1 else None,
            new={"version": number, "evaluate_on": _iso(evaluate_on)},
        )
        letters.send(letters.plan_recorded(case, version))
        _finish(case, actor)
    return version


def confirm_plan(*, case: FastTrackCase, actor: Any, version: PlanVersion) -> PlanVersion:
    """The employee, or HR or the nearest manager for the employer, confirms a version (R-20).

    Only the current version can be confirmed, once by each side; a new version
    starts unconfirmed, so a changed plan is confirmed again.
    """
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.CONFIRM_PLAN)
        role = _require_role(actor, case, _EMPLOYEE | EMPLOYER_ROLES, Action.CONFIRM_PLAN)
        # Read again under the case's lock: every change to a plan goes
        # through an action that holds it, so this is the committed state.
        version = PlanVersion.objects.select_related("plan").get(pk=version.pk)
        if version.plan.case_id != case.pk:
            raise InvalidPlanVersion(version=version.number)
        current = version.plan.versions.order_by("-number").values_list("number", flat=True)[0]
        if version.number != current:
            raise PlanVersionNotCurrent(version=version.number, current=current)
        party = Party.EMPLOYEE if role == Role.EMPLOYEE else Party.EMPLOYER
        at_field, by_field = f"{party.value}_confirmed_at", f"{party.value}_confirmed_by"
        if (confirmed_at := getattr(version, at_field)) is not None:
            raise PlanAlreadyConfirmed(
                version=version.number,
                party=party.value,
                confirmed_on=timezone.localdate(confirmed_at),
                name=_person_name(getattr(version, by_field)) or "-",
            )
        now = timezone.now()
        setattr(version, at_field, now)
        setattr(version, by_field, actor)
        version.save(update_fields=[at_field, by_field])
        record_event(
            case=case,
            verb=EventVerb.PLAN_CONFIRMED,
            actor=actor,
            old={"version": version.number, "party": party.value, "confirmed_at": None},
            new={"version": version.number, "party": party.value, "confirmed_at": now},
        )
        letters.send(letters.plan_confirmed(case, version, party=party))
        _finish(case, actor)
    return version


# --- letters that could not be delivered ------------------------------------------


def resend_letter(*, case: FastTrackCase, actor: Any, message_id: int) -> Message:
    """The jobcentre sends a letter of the case that failed for good once more.

    The same outbox row goes out again, with the same identity (dedupe key,
    MeMo UUID), so a receiver that did get it after all drops the repeat.
    """
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.RESEND_LETTER)
        _require_role(actor, case, _JOBCENTRE, Action.RESEND_LETTER)
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.case_id != case.pk:
            raise LetterNotOnCase(letter=message_id)
        if message.status != Message.Status.FAILED:
            raise LetterNotFailed(status=message.status)
        old = {"message_id": message.pk, "status": message.status, "attempts": message.attempts}
        retry_message_now(message.pk)
        message.refresh_from_db()
        # Which letters the employee got (a doctor's, say) is not the
        # employer's to learn from the history.
        record_event(
            case=case,
            verb=EventVerb.LETTER_RESENT,
            actor=actor,
            old=old,
            new={
                "message_id": message.pk,
                "kind": message.kind,
                "channel": message.channel,
                "status": message.status,
            },
            visible_to_employer=False,
        )
    return message


# --- journal notes and closing (R-27) ------------------------------------------


def add_journal_note(*, case: FastTrackCase, actor: Any, text: str) -> JournalNote:
    """The jobcentre writes down oral information and key steps (R-27)."""
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.ADD_JOURNAL_NOTE)
        _require_role(actor, case, _JOBCENTRE, Action.ADD_JOURNAL_NOTE)
        if not text.strip():
            raise ReasonRequired(rule="R-27")
        note = JournalNote.objects.create(case=case, author=actor, text=text.strip())
        record_event(
            case=case,
            verb=EventVerb.NOTE_ADDED,
            actor=actor,
            new={"note_id": note.pk},
            visible_to_employer=False,
        )
    return note


def close(
    *,
    case: FastTrackCase,
    actor: Any,
    outcome: Outcome | str,
    note: str = "",
    note_shared_with_employer: bool = False,
    on: date | None = None,
) -> FastTrackCase:
    """End Fast track with an outcome; what is still pending no longer applies.

    The note is the jobcentre's: the employer side reads it only when the
    caseworker shares it (``note_shared_with_employer``).

    Not while a meeting is still booked: it is held or cancelled first, so
    that nobody's calendar keeps a meeting of a closed case (R-35). ``on`` is
    the closing day, from the request to today (R-33); today by default.
    """
    if outcome not in Outcome.values:
        raise InvalidOutcome(outcome=outcome)
    outcome = Outcome(outcome)
    today = _today()
    on = on or today
    with transaction.atomic():
        case = _lock(case)
        guards.require(guards.refusal_to_close(case))
        _require_role(actor, case, _JOBCENTRE, Action.CLOSE)
        if not case.requested_on <= on <= today:
            raise ClosedOnOutOfRange(earliest=case.requested_on, latest=today)
        old, new = _move(case, Action.CLOSE)
        case.outcome = outcome
        case.closed_on = on
        case.save(update_fields=["outcome", "closed_on", "updated_at"])
        record_event(
            case=case,
            verb=EventVerb.CLOSED,
            actor=actor,
            old={"state": old},
            new={"state": new, "outcome": outcome.value, "closed_on": _iso(on)},
            note=note.strip(),
            note_shared_with_employer=note_shared_with_employer and bool(note.strip()),
        )
        letters.send(letters.case_closed(case))
        return _finish(case, actor, today=today)


# --- the caseworker ----------------------------------------------------------------


def _person_name(user: Any) -> str | None:
    if user is None:
        return None
    name: str = user.get_full_name() or user.get_username()
    return name


def assign_caseworker(*, case: FastTrackCase, actor: Any, caseworker: Any = None) -> FastTrackCase:
    """Name the caseworker who handles the case, the actor by default.

    A new case waits in the municipality's queue; a caseworker takes one from
    there, and the jobcentre manager assigns or reassigns any case to a
    caseworker of the municipality, who is told (``notices``).
    """
    caseworker = actor if caseworker is None else caseworker
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.ASSIGN_CASEWORKER)
        role = _require_role(actor, case, _JOBCENTRE, Action.ASSIGN_CASEWORKER)
        if role == Role.CASEWORKER:
            # Caseworkers take cases; handing one to a colleague is the manager's.
            if caseworker.pk != actor.pk:
                raise NotPermitted(role=role.value, action=Action.ASSIGN_CASEWORKER.value)
            guards.require(guards.refusal_to_take(case, actor))
        membership = membership_of(caseworker)
        if (
            membership is None
            or membership.role != Role.CASEWORKER
            or membership.municipality_id != case.municipality_id
        ):
            raise NotPermitted(
                role=membership.role if membership else "-",
                action=Action.ASSIGN_CASEWORKER.value,
            )
        if case.caseworker_id == caseworker.pk:
            return case
        old = case.caseworker
        case.caseworker = caseworker
        case.save(update_fields=["caseworker", "updated_at"])
        record_event(
            case=case,
            verb=EventVerb.CASEWORKER_ASSIGNED,
            actor=actor,
            old={"caseworker_id": old.pk if old else None, "caseworker": _person_name(old)},
            new={"caseworker_id": caseworker.pk, "caseworker": _person_name(caseworker)},
        )
        notices.tell_jobcentre(
            case,
            NoticeKind.ASSIGNED,
            key=f"assigned:{caseworker.pk}:{timezone.now().isoformat()}",
            actor=actor,
        )
    return case


# --- the employer's own conversation (R-23) -----------------------------------------


def record_employer_conversation(
    *, case: FastTrackCase, actor: Any, held_on: date, note: str = ""
) -> EmployerConversation:
    """HR (or the nearest manager) records the employer's own § 7 a conversation as held.

    Information for the employer and the employee: it shows the deadline as
    held. The note is theirs only: the history carries the day, not the note.
    """
    today = _today()
    with transaction.atomic():
        case = _lock(case)
        guards.require(guards.refusal_to_record_employer_conversation(case))
        _require_role(actor, case, EMPLOYER_ROLES, Action.RECORD_EMPLOYER_CONVERSATION)
        first_absence_day = case.absence.first_absence_day
        if not first_absence_day <= held_on <= today:
            raise EmployerConversationOutOfRange(earliest=first_absence_day, latest=today)
        conversation = EmployerConversation.objects.create(
            case=case,
            held_on=held_on,
            note=note.strip(),
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        record_event(
            case=case,
            verb=EventVerb.EMPLOYER_CONVERSATION_HELD,
            actor=actor,
            new={"held_on": _iso(held_on)},
        )
        _finish(case, actor, today=today)
    return conversation


# --- the sweep -------------------------------------------------------------------


def mark_missed_deadlines(*, case_id: int, today: date) -> int:
    """Mark the case's overdue deadlines missed; 0 when another process holds the case."""
    return mark_missed_deadlines_of(case_ids=[case_id], today=today)


def _lock_for_sweep(case_ids: Sequence[int]) -> list[FastTrackCase]:
    """The cases of ``case_ids`` that no other process holds, locked, in one statement;
    with what the letters and notices read of them."""
    cases = list(
        FastTrackCase.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(pk__in=list(case_ids))
        .select_related("absence__person")
        .order_by("pk")
    )
    # The municipalities, employers and caseworkers are few and shared by many
    # cases: read once each, not once per case in the join.
    municipalities = Municipality.objects.in_bulk({case.municipality_id for case in cases})
    employers = Employer.objects.in_bulk({case.absence.employer_id for case in cases} - {None})
    caseworkers = (
        get_user_model()
        .objects.select_related("membership__person")
        .in_bulk({case.caseworker_id for case in cases} - {None})
    )
    for case in cases:
        case.municipality = municipalities[case.municipality_id]
        if case.absence.employer_id is not None:
            case.absence.employer = employers[case.absence.employer_id]
        if case.caseworker_id is not None:
            case.caseworker = caseworkers[case.caseworker_id]
    return cases


def mark_missed_deadlines_of(*, case_ids: Sequence[int], today: date) -> int:
    """Mark the overdue deadlines of the cases ``case_ids`` missed; how many.

    Safe to run twice and side by side: a case another process holds is
    skipped, and the statuses are read again under the locks. The number of
    statements does not grow with the number of cases: one lock, one read of
    their overdue deadlines, one update, the history, the notices and the
    recomputed clock each written once for all.
    """
    with transaction.atomic():
        cases = {case.pk: case for case in _lock_for_sweep(case_ids)}
        if not cases:
            return 0
        overdue = list(
            CaseDeadline.objects.filter(
                case_id__in=list(cases), status=DeadlineStatus.PENDING, due_on__lt=today
            )
            .exclude(key__in=clock.INFORMATIONAL_KEYS)
            .order_by("case_id", "due_on", "id")
        )
        if not overdue:
            return 0
        CaseDeadline.objects.filter(pk__in=[deadline.pk for deadline in overdue]).update(
            status=DeadlineStatus.MISSED
        )
        for deadline in overdue:
            deadline.status = DeadlineStatus.MISSED
        record_events(
            [
                NewEvent(
                    case=cases[deadline.case_id],
                    verb=EventVerb.DEADLINE_MISSED,
                    actor=None,
                    old={"key": deadline.key, "status": DeadlineStatus.PENDING.value},
                    new={
                        "key": deadline.key,
                        "status": deadline.status,
                        "due_on": _iso(deadline.due_on),
                    },
                    visible_to_employer=deadline.key not in _HIDDEN_FROM_EMPLOYER_KEYS,
                )
                for deadline in overdue
            ]
        )
        notices.tell_jobcentre_all(
            [
                notices.News(
                    cases[deadline.case_id],
                    NoticeKind.DEADLINE_MISSED,
                    key=f"missed:{deadline.key}:{_iso(deadline.due_on)}",
                    context={"key": deadline.key, "due_on": deadline.due_on},
                )
                for deadline in overdue
            ]
        )
        marked = {deadline.case_id for deadline in overdue}
        _finish_all([case for case in cases.values() if case.pk in marked], None, today=today)
        return len(overdue)


def reminder_banking_days() -> tuple[int, ...]:
    """How many banking days before a deadline its reminders go out, e.g. (2, 1)."""
    return tuple(sorted(getattr(settings, "REMINDER_BANKING_DAYS", (2, 1)), reverse=True))


def send_deadline_reminders(*, case_id: int, today: date) -> int:
    """Remind whoever must act before the case's coming deadlines; how many letters."""
    return send_deadline_reminders_of(case_ids=[case_id], today=today)


def reminder_horizon(today: date) -> date:
    """The first day whose deadlines have no reminder today: every day before the
    next banking day after the longest reminder's has at most that many banking
    days left."""
    return add_banking_days(today, max(reminder_banking_days()) + 1)


def reminder_day(deadline: CaseDeadline, *, today: date) -> int | None:
    """How many banking days ahead ``deadline``'s reminder due today says, or None.

    The nearest reminder day that has come is used, so a sweep that skipped
    a day still reminds; the dedupe key holds the day, so nothing goes twice.
    """
    assert deadline.due_on is not None
    if today <= deadline.counts_from:
        # The letter that started the clock went out today.
        return None
    left = banking_days_between(today, deadline.due_on)
    days = [n for n in reminder_banking_days() if left <= n]
    return min(days) if days else None


def send_deadline_reminders_of(*, case_ids: Sequence[int], today: date) -> int:
    """Remind whoever must act before the coming deadlines of the cases ``case_ids``;
    how many letters and notices were new.

    In one transaction and a number of statements that does not grow with the
    number of cases: one lock, one read of their coming deadlines, one of the
    booked meetings, one per kind of recipient, and the letters and notices
    written once for all.
    """
    with transaction.atomic():
        cases = {
            case.pk: case
            for case in _lock_for_sweep(case_ids)
            if case.state not in (State.CLOSED, State.WITHDRAWN)
        }
        if not cases:
            return 0
        due = [
            (deadline, days)
            for deadline in CaseDeadline.objects.filter(
                case_id__in=list(cases),
                status=DeadlineStatus.PENDING,
                due_on__gt=today,
                # Only the rows that can have a reminder today (``reminder_day``)
                # are read, not every coming deadline of the chunk.
                due_on__lt=reminder_horizon(today),
                counts_from__lt=today,
            ).order_by("case_id", "due_on", "id")
            if (days := reminder_day(deadline, today=today)) is not None
        ]
        recipients = letters.Recipients(cases.values())
        reminders = [
            letter
            for deadline, days in due
            if deadline.key not in letters.JOBCENTRE_DEADLINE_KEYS
            for letter in letters.deadline_reminder(
                cases[deadline.case_id], deadline, days, recipients=recipients
            )
        ]
        told = _tell_deadlines_soon(
            cases,
            [(d, days) for d, days in due if d.key in letters.JOBCENTRE_DEADLINE_KEYS],
        )
        # Counted as written: a reminder already in the outbox (the same day's
        # dedupe key) is not sent again, so a repeated sweep reports 0.
        return letters.send(reminders) + told


def _tell_deadlines_soon(
    cases: Mapping[int, FastTrackCase], due: Sequence[tuple[CaseDeadline, int]]
) -> int:
    """The jobcentre's own deadlines that are near and whose meeting is not booked in
    time; how many notices were told."""
    if not due:
        return 0
    booked: dict[tuple[int, str], list[date]] = {}
    for case_id, kind, starts_at in Meeting.objects.filter(
        case_id__in={deadline.case_id for deadline, _days in due}, state=MeetingState.BOOKED
    ).values_list("case_id", "kind", "starts_at"):
        booked.setdefault((case_id, kind), []).append(timezone.localdate(starts_at))
    news = []
    for deadline, days in due:
        assert deadline.due_on is not None
        case = cases[deadline.case_id]
        kind = next(k for k, key in MILESTONE_OF_KIND.items() if key == deadline.key)
        if any(on <= deadline.due_on for on in booked.get((case.pk, kind), [])):
            continue
        news.append(
            notices.News(
                case,
                NoticeKind.DEADLINE_SOON,
                key=f"soon:{deadline.key}:{deadline.due_on.isoformat()}:{days}",
                context=letters.deadline_context(case, deadline, days),
            )
        )
    return sum(notice is not None for notice in notices.tell_jobcentre_all(news))


__all__ = [
    "accept",
    "add_journal_note",
    "answer_invitation",
    "book_meeting",
    "cancel_meeting",
    "close",
    "confirm_plan",
    "decide_after_late_consent",
    "decline",
    "mark_missed_deadlines",
    "mark_missed_deadlines_of",
    "rebook_meeting",
    "record_answers",
    "record_certificate",
    "record_employer_conversation",
    "record_meeting_held",
    "record_plan",
    "request_certificate",
    "request_fast_track",
    "resend_letter",
    "send_deadline_reminders",
    "send_deadline_reminders_of",
    "withdraw",
]
