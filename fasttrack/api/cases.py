"""``/cases``: the Fast track cases the user may see (R-28), and what they may do.

Every case is fetched through ``access.get_case_for`` (404 for what is not the
user's, R-28) and shown through the same read helpers as the web case page, so
the employer side never gets the employee's answers (R-09) or anything about
health (R-18).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel, StrictBool, field_validator

from fasttrack.api.auth import token_of
from fasttrack.api.idempotency import idempotent
from fasttrack.api.pagination import CursorPaginator, Page, PageParams, SortKey
from fasttrack.api.problems import Conflict, InvalidInput
from fasttrack.audit.access import ROLE_PURPOSE
from fasttrack.audit.models import Purpose
from fasttrack.cases import actions, written
from fasttrack.cases.access import cases_for, get_case_for, get_certificate_for, log_cases_shown
from fasttrack.cases.batch import (
    NOT_YOUR_CVR,
    REQUIRED,
    UNKNOWN_EMPLOYEE,
    log_cpr_search,
)
from fasttrack.cases.clock import INFORMATIONAL_KEYS
from fasttrack.cases.errors import (
    CertificateAlreadyRecorded,
    CertificateNotRequested,
    ConsentAlreadyGiven,
    ConsentNotLate,
    NotPermitted,
    localized_message,
)
from fasttrack.cases.identity import EmployeeDetailsInvalid, RequestedEmployee, employee_for_request
from fasttrack.cases.models import (
    Answers,
    CaseDeadline,
    Channel,
    DeadlineStatus,
    FastTrackCase,
    Requester,
)
from fasttrack.cases.queries import (
    answers_visible_to,
    deadlines_for,
    employer_view_of_deadlines,
    in_deadline_order,
    meetings_for,
)
from fasttrack.lib.rules.keys import DeadlineKey
from fasttrack.lib.validation import TEXT_LENGTH
from fasttrack.meetings.access import meetings_for_user, participants_visible_to
from fasttrack.meetings.models import Meeting
from fasttrack.meetings.models import Party as MeetingParty
from fasttrack.people.models import (
    EMPLOYER_ROLES,
    Employer,
    Membership,
    Person,
    Role,
    membership_of,
)
from fasttrack.people.validators import clean_cpr, clean_cvr

router = Router(tags=["cases"])

# Why each role reads a case; the employee sees the label in "who has seen my
# data" (R-26). The same purposes as the web case page.
PURPOSE = ROLE_PURPOSE


# --- schemas --------------------------------------------------------------------


class EmployeeOut(Schema):
    name: str = Field(description="The employee's name.", examples=["Janni Mikkelsen"])


class CaseEmployerOut(Schema):
    cvr: str = Field(description="The employer's CVR number, 8 digits.", examples=["29887659"])
    name: str = Field(description="The employer's name.", examples=["Nordisk Fabrik A/S"])


class MunicipalityOut(Schema):
    code: str = Field(description="The municipality's 3-digit code.", examples=["101"])
    name: str = Field(description="The municipality's name.", examples=["København"])


class AnswersOut(Schema):
    affected_functions: str = Field(
        description="Which job functions the illness affects.",
        examples=["Lifting and standing for long periods."],
    )
    affected_duration: str = Field(
        description="How long the work has been affected.", examples=["Since early September."]
    )
    adjustments_tried: str = Field(
        description="Which adjustments have been tried.",
        examples=["Shorter shifts for two weeks."],
    )
    given_at: datetime = Field(
        description="When the answers were given (ISO 8601 with offset).",
        examples=["2026-11-02T09:15:00+01:00"],
    )


class CaseAnswersOut(Schema):
    employer: AnswersOut | None = Field(
        description="The employer's answers to the three questions; null if none were given."
    )
    employee: AnswersOut | None = Field(
        description=(
            "The employee's answers; null if none were given, and always null for the "
            "employer and the nearest manager (R-09)."
        )
    )


class DeadlineOut(Schema):
    key: str = Field(
        description="Which milestone: " + ", ".join(k.value for k in DeadlineKey) + ".",
        examples=["employee_consent"],
    )
    due: date | None = Field(
        description="The last day (YYYY-MM-DD); null when it cannot be computed yet.",
        examples=["2026-11-16"],
    )
    basis: str = Field(description="The legal basis.", examples=["bek. 1710 § 4, stk. 1"])
    status: str = Field(description="pending, met, missed or not_applicable.", examples=["pending"])
    met_on: date | None = Field(
        description="The day the milestone was met; null until then.", examples=[None]
    )


class NextDeadlineOut(Schema):
    key: str = Field(
        description="The milestone of the next deadline.", examples=["employee_consent"]
    )
    due: date = Field(description="Its last day (YYYY-MM-DD).", examples=["2026-11-16"])


class ParticipantOut(Schema):
    party: str = Field(
        description=("As whom they take part: " + ", ".join(MeetingParty.values) + "."),
        examples=["employee"],
    )
    name: str = Field(description="The participant's name.", examples=["Janni Mikkelsen"])
    role: str = Field(
        description="Their role in Fasttrack; empty for someone without a login.",
        examples=["employee"],
    )


class MeetingOut(Schema):
    id: int = Field(description="The meeting's ID.", examples=[7])
    kind: str = Field(
        description="first_conversation or retention_meeting.", examples=["first_conversation"]
    )
    state: str = Field(description="booked, held or cancelled.", examples=["booked"])
    starts_at: datetime = Field(
        description="When it starts (ISO 8601 with offset).",
        examples=["2026-11-20T10:00:00+01:00"],
    )
    location: str = Field(description="Where; empty for a video meeting.", examples=["Jobcenter"])
    video_url: str = Field(description="The video link; empty if none.", examples=[""])
    held_on: date | None = Field(
        description="The day it was held; null until then.", examples=[None]
    )
    participants: list[ParticipantOut] = Field(
        description=(
            "Who takes part. The employer and the nearest manager do not see a doctor "
            "among them (R-18)."
        )
    )


class CaseSummaryOut(Schema):
    id: int = Field(description="The case's ID.", examples=[42])
    state: str = Field(
        description="awaiting_consent, active, declined, withdrawn or closed.",
        examples=["awaiting_consent"],
    )
    requested_by: str = Field(
        description="Who requested Fast track: employer, employee or caseworker.",
        examples=["employer"],
    )
    requested_on: date = Field(description="The request's date.", examples=["2026-11-02"])
    first_absence_day: date = Field(
        description="The first day of the absence (D0).", examples=["2026-10-28"]
    )
    employee: EmployeeOut = Field(description="The employee (never the CPR number).")
    employer: CaseEmployerOut | None = Field(
        description="The employer; null for an employee without one."
    )
    municipality: MunicipalityOut = Field(description="The municipality that runs the case.")
    next_deadline: NextDeadlineOut | None = Field(
        description="The earliest pending deadline the user may see; null if none."
    )


class CaseOut(CaseSummaryOut):
    answers: CaseAnswersOut = Field(
        description="Both parties' answers, as far as the user may see them."
    )
    deadlines: list[DeadlineOut] = Field(
        description=(
            "The case's deadlines, earliest first, those no longer applying last. The employer "
            "side does not see the medical certificate's (R-18)."
        )
    )
    meetings: list[MeetingOut] = Field(description="The meetings booked for the case.")


class CasePage(Page[CaseSummaryOut]):
    """A page of cases, the most urgent first."""


# --- building the JSON ------------------------------------------------------------


def _visible_deadlines(
    deadlines: list[CaseDeadline], role: Role, case: FastTrackCase
) -> list[CaseDeadline]:
    if role in EMPLOYER_ROLES:
        # Not even that a certificate was asked for reaches the employer.
        deadlines = [d for d in deadlines if d.key != DeadlineKey.MEDICAL_CERTIFICATE]
        deadlines = employer_view_of_deadlines(case, deadlines)
    return sorted(deadlines, key=lambda d: d.status == DeadlineStatus.NOT_APPLICABLE)


def _next_deadline(deadlines: list[CaseDeadline]) -> dict[str, Any] | None:
    pending = [
        d
        for d in deadlines
        if d.status == DeadlineStatus.PENDING
        and d.due_on is not None
        and d.key not in INFORMATIONAL_KEYS
    ]
    first = min(pending, key=lambda d: (d.due_on or date.max, d.pk), default=None)
    return None if first is None else {"key": first.key, "due": first.due_on}


def _summary(case: FastTrackCase, deadlines: list[CaseDeadline], role: Role) -> dict[str, Any]:
    absence = case.absence
    employer = absence.employer
    # The employer side sees the name and municipality it gave.
    employer_side = role in EMPLOYER_ROLES
    name = case.employee_name_for_employer if employer_side else absence.person.name
    municipality = case.municipality_for_employer if employer_side else case.municipality
    return {
        "id": case.pk,
        "state": case.state,
        "requested_by": case.requested_by,
        "requested_on": case.requested_on,
        "first_absence_day": absence.first_absence_day,
        "employee": {"name": name},
        "employer": None if employer is None else {"cvr": employer.cvr, "name": employer.name},
        "municipality": {"code": municipality.code, "name": municipality.name},
        "next_deadline": _next_deadline(deadlines),
    }


def case_summary(case: FastTrackCase, role: Role) -> dict[str, Any]:
    """The case as in lists: without answers, deadlines and meetings."""
    return _summary(case, _visible_deadlines(list(deadlines_for(case)), role, case), role)


def _answers_out(answers: Answers | None) -> dict[str, Any] | None:
    if answers is None:
        return None
    return {
        "affected_functions": answers.affected_functions,
        "affected_duration": answers.affected_duration,
        "adjustments_tried": answers.adjustments_tried,
        "given_at": answers.given_at,
    }


def case_out(
    case: FastTrackCase, role: Role, user: Any, new: written.Written | None = None
) -> dict[str, Any]:
    """The whole case as ``user``, in ``role``, may see it; ``new`` is what the action
    that made it wrote (``cases.written``), so that it is not read back."""
    if new is None:
        deadlines = list(deadlines_for(case))
        answers = answers_visible_to(role, case)
        # The same meetings as the case page shows the user (meetings.access).
        meetings = list(
            meetings_for(case)
            .filter(pk__in=meetings_for_user(user).values("pk"))
            .order_by("starts_at", "pk")
        )
    else:
        deadlines = in_deadline_order(new.deadlines)
        answers = answers_visible_to(role, case, new.answers)
        meetings = []
    deadlines = _visible_deadlines(deadlines, role, case)
    return {
        **_summary(case, deadlines, role),
        "answers": {party: _answers_out(given) for party, given in answers.items()},
        "deadlines": [
            {
                "key": d.key,
                "due": d.due_on,
                "basis": d.basis,
                "status": d.status,
                "met_on": d.met_on,
            }
            for d in deadlines
        ],
        "meetings": [meeting_out(m, role) for m in meetings],
    }


def meeting_out(meeting: Meeting, role: Role) -> dict[str, Any]:
    """A meeting as ``role`` may see it; read its participants prefetched."""
    # That a doctor is involved is health data to the employer side.
    participants = participants_visible_to(
        role, sorted(meeting.participants.all(), key=lambda p: p.pk)
    )
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "state": meeting.state,
        "starts_at": meeting.starts_at,
        "location": meeting.location,
        "video_url": meeting.video_url,
        "held_on": meeting.held_on,
        "participants": [{"party": p.party, "name": p.name, "role": p.role} for p in participants],
    }


def read_case(request: HttpRequest, case_id: int) -> tuple[FastTrackCase, Role]:
    """The case for the token's user, or 404; the read is logged with the role's purpose."""
    user = token_of(request).user
    membership = membership_of(user)
    purpose = PURPOSE.get(Role(membership.role), Purpose.CASE_WORK) if membership else ""
    return get_case_for(user, case_id, purpose=purpose, request=request)


# --- GET /cases, GET /cases/{id} -----------------------------------------------------

CASES = CursorPaginator("cases", SortKey("next_deadline_on"), SortKey("id"))


@router.get(
    "/cases",
    response=CasePage,
    summary="List my cases",
    description=(
        "The cases the user may see (R-28), the most urgent first: by the next deadline, "
        "cases without one last. The employer sees its own requests, the nearest manager "
        "the cases they are nearest manager in, the employee their own, the doctor those "
        "their clinic was asked about, the jobcentre its municipality's. Paginated with "
        "`limit` and `cursor`."
    ),
)
def list_cases(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    user = token_of(request).user
    membership = membership_of(user)
    assert membership is not None  # the authentication refuses users without a role
    role = Role(membership.role)
    queryset = (
        cases_for(user)
        .select_related(
            "absence__person", "absence__employer", "municipality", "municipality_given"
        )
        .prefetch_related(
            Prefetch("deadlines", queryset=CaseDeadline.objects.order_by("due_on", "id"))
        )
    )
    page = CASES.page(queryset, cursor=params.cursor, limit=params.limit)
    log_cases_shown(user, page.items, request=request)
    items = [
        _summary(case, _visible_deadlines(list(case.deadlines.all()), role, case), role)
        for case in page.items
    ]
    return {"items": items, "next": page.next}


@router.get(
    "/cases/{case_id}",
    response=CaseOut,
    summary="Read a case",
    description=(
        "The case with its parties, answers, deadlines and meetings, as the user may see "
        "it. The employer and the nearest manager get `answers.employee` as null and "
        "nothing about health (R-09, R-18). 404 for a case that does not exist or is not "
        "the user's. The read is logged (R-25)."
    ),
)
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case, role = read_case(request, case_id)
    return case_out(case, role, token_of(request).user)


# --- POST /cases ------------------------------------------------------------------------


class AnswersIn(BaseModel):
    # A plain pydantic model: ninja's Schema would read attributes off any
    # value, so a list or a string would pass as answers.
    affected_functions: str = Field(
        "",
        max_length=TEXT_LENGTH,
        description="Which job functions the illness affects.",
        examples=["Lifting and standing for long periods."],
    )
    affected_duration: str = Field(
        "",
        max_length=TEXT_LENGTH,
        description="How long the work has been affected.",
        examples=["Since early September."],
    )
    adjustments_tried: str = Field(
        "",
        max_length=TEXT_LENGTH,
        description="Which adjustments have been tried.",
        examples=["Shorter shifts for two weeks."],
    )


class CaseRequestIn(Schema):
    employee_cpr: str | None = Field(
        None,
        max_length=11,
        description=(
            "The employee's CPR number (10 digits, a hyphen after the sixth allowed). "
            "Required for the employer and the caseworker; the employee leaves it out. "
            "It is never sent back."
        ),
        examples=["1203814562"],
    )
    first_absence_day: date = Field(
        description="The first day of the absence (D0), YYYY-MM-DD.", examples=["2026-10-28"]
    )
    expects_over_8_weeks: StrictBool = Field(
        description=(
            "Whether the absence is expected to last more than 8 weeks from D0; Fast track "
            "needs true (R-01, R-04)."
        ),
        examples=[True],
    )
    answers: AnswersIn | None = Field(
        None,
        description=(
            "The requesting party's answers to the three questions (optional for the "
            "employer, R-06; the employee must answer)."
        ),
    )
    employer_cvr: str | None = Field(
        None,
        max_length=10,
        description=(
            "The employer's CVR number. The employer may leave it out (its own is used); "
            "the employee and the caseworker give it unless the employee has no employer."
        ),
        examples=["29887659"],
    )

    employee_name: str | None = Field(
        None,
        max_length=200,
        description=(
            "The employee's full name. Required, with `employee_municipality_code`, when the "
            "employer requests for someone who is not yet registered as its employee (R-36)."
        ),
        examples=["Janni Mikkelsen"],
    )
    employee_municipality_code: str | None = Field(
        None,
        max_length=3,
        description=(
            "The employee's home municipality, its 3-digit code (e.g. 101 København). "
            "Required with `employee_name` for someone not yet the employer's employee."
        ),
        examples=["101"],
    )
    new_absence: StrictBool = Field(
        False,
        description=(
            "Confirms that this is a new absence while the same employee's case with the same "
            "employer is still open; without it such a request is 409 naming the open case "
            "(R-34)."
        ),
        examples=[False],
    )

    @field_validator("first_absence_day", mode="before")
    @classmethod
    def _a_date_text(cls, value: Any) -> Any:
        # JSON has no dates: only the text YYYY-MM-DD, not a number of seconds.
        if not isinstance(value, (str, date)):
            raise ValueError("Enter a date as YYYY-MM-DD.")
        return value


_UNKNOWN_EMPLOYER = _("No employer with this CVR number uses Fasttrack. Check the number.")
_REQUESTER = {
    Role.EMPLOYER: Requester.EMPLOYER,
    Role.EMPLOYEE: Requester.EMPLOYEE,
    Role.CASEWORKER: Requester.CASEWORKER,
}


def _cpr(payload: CaseRequestIn) -> str:
    if not payload.employee_cpr:
        raise InvalidInput({"employee_cpr": [REQUIRED]})
    try:
        return clean_cpr(payload.employee_cpr)
    except ValidationError as error:
        raise InvalidInput({"employee_cpr": error.messages}) from error


def _employer_by_cvr(cvr: str) -> Employer:
    try:
        number = clean_cvr(cvr)
    except ValidationError as error:
        raise InvalidInput({"employer_cvr": error.messages}) from error
    employer = Employer.objects.filter(cvr=number).first()
    if employer is None:
        raise InvalidInput({"employer_cvr": [_UNKNOWN_EMPLOYER]})
    return employer


def _parties(
    request: HttpRequest, membership: Membership, payload: CaseRequestIn
) -> tuple[Person, Employer | None, RequestedEmployee | None]:
    """The employee and employer the request is about, as the requester may name them.

    The employer names anyone by CPR number, name and home municipality and
    gets the same answer whatever the register knows (R-36); for the others an
    unknown CPR number and someone they may not act for get the same message,
    so the API never tells who exists (R-28, R-29)."""
    role = Role(membership.role)
    if role == Role.EMPLOYEE:
        assert membership.person is not None
        person = membership.person
        if payload.employee_cpr and _cpr(payload) != person.cpr:
            raise InvalidInput({"employee_cpr": [UNKNOWN_EMPLOYEE]})
        employer = _employer_by_cvr(payload.employer_cvr) if payload.employer_cvr else None
        return person, employer, None
    number = _cpr(payload)
    if role == Role.EMPLOYER:
        employer = membership.employer
        assert employer is not None
        if payload.employer_cvr and _employer_by_cvr(payload.employer_cvr) != employer:
            raise InvalidInput({"employer_cvr": [NOT_YOUR_CVR]})
        try:
            employee = employee_for_request(
                actor=request.user,
                employer=employer,
                cpr=number,
                name=payload.employee_name,
                municipality_code=payload.employee_municipality_code,
                request=request,
            )
        except EmployeeDetailsInvalid as error:
            raise InvalidInput(error.errors) from error
        return employee.person, employer, employee
    # The caseworker, for a citizen of their municipality.
    found = (
        Person.objects.with_cpr(number)
        .filter(municipality_id=membership.municipality_id or 0)
        .first()
    )
    log_cpr_search(request.user, found, number, request)
    if found is None:
        raise InvalidInput({"employee_cpr": [UNKNOWN_EMPLOYEE]})
    employer = _employer_by_cvr(payload.employer_cvr) if payload.employer_cvr else None
    return found, employer, None


@router.post(
    "/cases",
    response={200: CaseOut, 201: CaseOut},
    summary="Request Fast track",
    description=(
        "The employer (for its employee), the employee (for themself, without "
        "`employee_cpr`) or the caseworker (for a citizen of their municipality) requests "
        "Fast track for an absence. 201 with the new case; 200 with the existing case when "
        "there is already one for the same absence (R-05): the request joins it. An unknown "
        "CPR number, or someone the requester may not act for, is 422 on `employee_cpr` "
        "with the same message either way. A request after the last valid day is 422 with "
        "`rule_id` R-03 and the day in `detail`. Other roles get 403. Send an "
        "`Idempotency-Key` so that a retry does not request twice."
    ),
)
@idempotent
def request_case(request: HttpRequest, payload: CaseRequestIn) -> Status:
    user = token_of(request).user
    membership = membership_of(user)
    assert membership is not None
    role = Role(membership.role)
    if role not in _REQUESTER:
        raise PermissionDenied
    person, employer, employee = _parties(request, membership, payload)
    answers = payload.answers.model_dump() if payload.answers is not None else None
    try:
        case, created = actions.request_fast_track(
            actor=user,
            person=person,
            employer=employer,
            first_absence_day=payload.first_absence_day,
            expects_over_8_weeks=payload.expects_over_8_weeks,
            # The answers are optional: none given is no answers, not blanks.
            answers=answers if answers and any(answers.values()) else None,
            requested_by=_REQUESTER[role],
            channel=Channel.API,
            employee=employee,
            new_absence=payload.new_absence,
        )
    except NotPermitted as error:
        raise InvalidInput({"employee_cpr": [UNKNOWN_EMPLOYEE]}) from error
    return Status(201 if created else 200, case_out(case, role, user, written.take(case)))


# --- actions on a case ---------------------------------------------------------------


class StateConflict(Conflict):
    problem = "invalid-transition"


def acting_as(request: HttpRequest, case_id: int, allowed: Role) -> tuple[Any, FastTrackCase]:
    """The user and the case, 404 for a non-party, 403 for a party without the right."""
    case, role = read_case(request, case_id)
    user = token_of(request).user
    if role != allowed:
        raise NotPermitted(role=role.value, action="act")
    return user, case


class ConsentIn(Schema):
    accept: StrictBool = Field(
        description="true to say yes to Fast track, false to say no (the normal track).",
        examples=[True],
    )
    answers: AnswersIn | None = Field(
        None,
        description="The employee's answers to the three questions; required to accept (R-07).",
    )


@router.post(
    "/cases/{case_id}/consent",
    response=CaseOut,
    summary="Answer the employer's request",
    description=(
        "The employee accepts Fast track (with their answers to the three questions, "
        "R-07) or declines it (the normal track, R-13). An acceptance after the consent "
        "deadline is recorded as late and waits for the caseworker's decision (R-12). "
        "200 with the case; 409 when the case's state does not allow it or the employee "
        "has already answered; 403 for the other parties; 404 for anyone else."
    ),
)
@idempotent
def answer_consent(request: HttpRequest, case_id: int, payload: ConsentIn) -> dict[str, Any]:
    user, case = acting_as(request, case_id, Role.EMPLOYEE)
    try:
        if payload.accept:
            answers = payload.answers.model_dump() if payload.answers is not None else {}
            case = actions.accept(case=case, actor=user, answers=answers, channel=Channel.API)
        else:
            case = actions.decline(case=case, actor=user, channel=Channel.API)
    except ConsentAlreadyGiven as error:
        raise StateConflict(localized_message(error), rule_id=error.rule_id) from error
    return case_out(case, Role.EMPLOYEE, user)


class DecisionIn(Schema):
    continue_fast_track: StrictBool = Field(
        description="true to continue Fast track, false to fall back to the normal track.",
        examples=[True],
    )
    reason: str = Field(
        min_length=1,
        max_length=TEXT_LENGTH,
        description="Why; the employee sees it, the employer does not (R-12).",
        examples=["The consent came two days late because of a hospital stay."],
    )


@router.post(
    "/cases/{case_id}/decision",
    response=CaseOut,
    summary="Decide after a late or missing consent",
    description=(
        "The caseworker decides whether Fast track continues after a late acceptance, or "
        "falls back to the normal track after a late or missing answer (R-12). 200 with the "
        "case; 409 when there is no late or missing consent to decide on, or the state does "
        "not allow it; 422 without a reason; 403 for the other parties."
    ),
)
@idempotent
def decide_after_late_consent(
    request: HttpRequest, case_id: int, payload: DecisionIn
) -> dict[str, Any]:
    user, case = acting_as(request, case_id, Role.CASEWORKER)
    try:
        case = actions.decide_after_late_consent(
            case=case,
            actor=user,
            continue_fast_track=payload.continue_fast_track,
            reason=payload.reason,
        )
    except ConsentNotLate as error:
        raise StateConflict(localized_message(error), rule_id=error.rule_id) from error
    return case_out(case, Role.CASEWORKER, user)


# --- the medical certificate (LÆ 285) ----------------------------------------------------


class CertificateRequestIn(Schema):
    due_in_days: int | None = Field(
        None,
        ge=1,
        le=365,
        description=(
            "Days the doctor has to answer, counted from today (R-16): at least 8, and the "
            "certificate must be in hand by the first follow-up conversation (its booked day, "
            "else its deadline), at most 14 days. Leave out for as long as that allows."
        ),
        examples=[10],
    )


@router.post(
    "/cases/{case_id}/certificate-request",
    response=CaseOut,
    summary="Ask the employee's doctor for a medical certificate",
    description=(
        "The caseworker asks the employee's own doctor for LÆ 285 (R-15); the doctor "
        "receives both parties' answers (R-09). 200 with the case; 422 on `due_in_days` when "
        "the answer time is under 8 days or ends after the first follow-up conversation, with "
        "the latest allowed day in the message (R-16), or when the employee has no doctor "
        "(R-15); 409 while a request is still open (R-35) or when the state does not allow "
        "it; 403 for the other parties."
    ),
)
@idempotent
def request_certificate(
    request: HttpRequest, case_id: int, payload: CertificateRequestIn
) -> dict[str, Any]:
    user, case = acting_as(request, case_id, Role.CASEWORKER)
    actions.request_certificate(case=case, actor=user, due_in_days=payload.due_in_days)
    case.refresh_from_db()
    return case_out(case, Role.CASEWORKER, user)


class CertificateIn(Schema):
    diagnosis: str = Field(
        min_length=1,
        max_length=TEXT_LENGTH,
        description=(
            "The diagnosis or cause of the absence. Health data: never shown to the employer."
        ),
        examples=["Lumbar disc herniation"],
    )
    work_capacity: str = Field(
        min_length=1,
        max_length=TEXT_LENGTH,
        description="The doctor's assessment of the ability to work.",
        examples=["Can work 4 hours a day without heavy lifting."],
    )
    considerations: str = Field(
        "",
        max_length=TEXT_LENGTH,
        description="Considerations to take (skånehensyn).",
        examples=["No lifting above 10 kg."],
    )
    expected_return: str = Field(
        "",
        max_length=TEXT_LENGTH,
        description="When a full or partial return is expected.",
        examples=["Partial return in two weeks."],
    )
    remarks: str = Field("", max_length=TEXT_LENGTH, description="Other remarks.", examples=[""])
    expected_return_on: date | None = Field(
        None,
        description=(
            "The day a return is expected (YYYY-MM-DD), if the doctor can say; not before the "
            "first absence day (R-33)."
        ),
        examples=["2027-01-11"],
    )


class CertificateOut(CertificateIn):
    received_at: datetime = Field(
        description="When the certificate was received (ISO 8601 with offset).",
        examples=["2026-11-10T12:00:00+01:00"],
    )


@router.put(
    "/cases/{case_id}/certificate",
    response=CaseOut,
    summary="Send the medical certificate",
    description=(
        "The doctor whose clinic was asked sends LÆ 285 (R-17). 200 with the case; 422 on "
        "`expected_return_on` before the first absence day (R-33); 409 "
        "when no certificate is requested or it was already sent; 403 for the other "
        "parties; 404 for a doctor whose clinic was not asked. The certificate never "
        "reaches the employer (R-18)."
    ),
)
@idempotent
def record_certificate(
    request: HttpRequest, case_id: int, payload: CertificateIn
) -> dict[str, Any]:
    user, case = acting_as(request, case_id, Role.DOCTOR)
    try:
        actions.record_certificate(case=case, actor=user, **payload.model_dump())
    except (CertificateAlreadyRecorded, CertificateNotRequested) as error:
        raise StateConflict(localized_message(error), rule_id=error.rule_id) from error
    case.refresh_from_db()
    return case_out(case, Role.DOCTOR, user)


_READS_CERTIFICATE = frozenset({Role.EMPLOYEE, Role.DOCTOR, Role.CASEWORKER})


@router.get(
    "/cases/{case_id}/certificate",
    response=CertificateOut,
    summary="Read the medical certificate",
    description=(
        "The case's latest medical certificate, for the employee, the doctor whose clinic "
        "was asked and the caseworker. 404 for everyone else, the employer and the nearest "
        "manager always (R-18), and while there is no certificate. The read is logged (R-25)."
    ),
)
def get_certificate(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case, role = read_case(request, case_id)
    if role not in _READS_CERTIFICATE:
        raise Http404
    certificate = get_certificate_for(
        token_of(request).user, case, purpose=PURPOSE[role], request=request
    )
    return {
        "diagnosis": certificate.diagnosis,
        "work_capacity": certificate.work_capacity,
        "considerations": certificate.considerations,
        "expected_return": certificate.expected_return,
        "remarks": certificate.remarks,
        "expected_return_on": certificate.expected_return_on,
        "received_at": certificate.received_at,
    }
