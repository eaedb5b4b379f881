"""The shared case page, and the caseworker's actions on it.

One page for every party (``web:case_detail``): the case is fetched through
``get_case_for`` (404 for anyone who may not see it, R-28), and each section
is left out for the roles that may not see it (R-09, R-18). The action views
are thin: parse the form, call the one action in ``fasttrack.cases.actions``,
and either redirect to the case with a message or show the engine's refusal
at the field it concerns, keeping what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from fasttrack.audit.access import ROLE_PURPOSE
from fasttrack.audit.models import Purpose
from fasttrack.audit.visibility import events_visible_to, note_visible_to
from fasttrack.cases import actions, clock, guards
from fasttrack.cases.access import get_case_for, get_certificate_for
from fasttrack.cases.clock import INFORMATIONAL_KEYS
from fasttrack.cases.errors import (
    AnswersRequired,
    CertificateDueTooLate,
    CertificateDueTooSoon,
    ClinicMissing,
    DoctorNotAskedForCertificate,
    DoctorWithoutConsent,
    EvaluationBeforeAbsence,
    InvalidOutcome,
    MeasureDueBeforeAbsence,
    MeetingTimeNotInFuture,
    PartialLeaveTooFewHours,
    ReasonRequired,
    RuleViolation,
    localized_message,
)
from fasttrack.cases.models import (
    Answers,
    CaseDeadline,
    Consent,
    DeadlineStatus,
    EmployerConversation,
    FastTrackCase,
    Party,
)
from fasttrack.cases.notices import has_news, mark_seen, unseen_notices
from fasttrack.cases.queries import (
    answers_visible_to,
    current_plan_version,
    deadlines_for,
    employer_conversation_for,
    employer_view_of_deadlines,
    journal_notes_for,
    meetings_for,
    sees_employer_conversation,
)
from fasttrack.cases.states import Action, State, can
from fasttrack.documents.access import (
    plan_comments_for,
    plan_request_content_visible,
    plan_requests_for,
    statements_for,
)
from fasttrack.documents.models import (
    OPEN_STATEMENT_STATES,
    OpportunityStatement,
    RetentionPlanRequest,
    RetentionPlanRequestState,
)
from fasttrack.formats.dates import as_weekday_date
from fasttrack.lib.rules import (
    DeadlineKey,
    latest_certificate_day,
    question_set,
    rule_set_by_version,
)
from fasttrack.lib.rules.bankdays import next_banking_day_on_or_after
from fasttrack.lib.rules.questions import Language
from fasttrack.medical.models import Certificate, CertificateRequest
from fasttrack.meetings.access import (
    meetings_for_user,
    minutes_visible_to,
    participants_visible_to,
    sees_every_meeting_of_its_cases,
)
from fasttrack.meetings.models import Meeting, MeetingKind, MeetingParticipant
from fasttrack.people.models import EMPLOYER_ROLES, JOBCENTRE_ROLES, Role, membership_of
from fasttrack.people.register import citizen_register
from fasttrack.plans.compare import compare as compare_plan_versions
from fasttrack.plans.models import PlanVersion
from fasttrack.web.access import require_role
from fasttrack.web.case_forms import (
    AssignForm,
    BookMeetingForm,
    CertificateRequestForm,
    CloseForm,
    ConfirmIdentityForm,
    ConsentOnBehalfForm,
    JournalNoteForm,
    LateConsentDecisionForm,
    MeasureFormSet,
    PlanForm,
    WithdrawForm,
    add_rule_error,
)
from fasttrack.web.deliveries import deliveries_for

# The certificate is read by those who work with it. The jobcentre manager's
# overview does not need the diagnosis, so it is not fetched for them (data
# minimisation); the employer side never reaches it at all.
_READS_CERTIFICATE = frozenset({Role.EMPLOYEE, Role.DOCTOR, Role.CASEWORKER})

# The meeting each kind of booking is due by.
_DEADLINE_OF_KIND = {
    MeetingKind.FIRST_CONVERSATION: DeadlineKey.FIRST_FOLLOWUP_CONVERSATION,
    MeetingKind.RETENTION_MEETING: DeadlineKey.RETENTION_MEETING,
}

PROPOSED_MEETING_TIME = time(10, 0)


# --- the case page -------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    key: str
    question: str
    employer: str | None
    employee: str | None

    @property
    def mark(self) -> str:
        """What differs between the parties: for the marker column."""
        if self.employer and self.employee:
            return "same" if _normalised(self.employer) == _normalised(self.employee) else "differ"
        if self.employer:
            return "only_employer"
        if self.employee:
            return "only_employee"
        return "none"


def _language() -> Language:
    """The question wording's language: English when chosen, else Danish."""
    return "en" if (get_language() or "da").startswith("en") else "da"


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def _question_text(case: FastTrackCase, answers: list[Answers | None], key: str) -> str:
    """The wording the parties were asked, as stored with their answers (R-08)."""
    language = _language()
    for given in answers:
        if given is not None and key in (given.questions or {}):
            return str(given.questions[key].get(language, ""))
    return question_set(case.question_set_version)[key].text(language)


def answer_rows(case: FastTrackCase, role: Role) -> list[AnswerRow]:
    visible = answers_visible_to(role, case, _answers_in_hand(case))
    employer = visible[Party.EMPLOYER.value]
    employee = visible[Party.EMPLOYEE.value]
    keys = question_set(case.question_set_version).questions
    return [
        AnswerRow(
            key=key,
            question=_question_text(case, [employer, employee], key),
            employer=getattr(employer, key) if employer else None,
            employee=getattr(employee, key) if employee else None,
        )
        for key in keys
    ]


def _deadlines(case: FastTrackCase, role: Role) -> list[CaseDeadline]:
    rows = list(deadlines_for(case))
    if role in EMPLOYER_ROLES:
        # Not even that a certificate was asked for reaches the employer.
        rows = [row for row in rows if row.key != DeadlineKey.MEDICAL_CERTIFICATE]
        # The same as when the register knew the employee.
        rows = employer_view_of_deadlines(case, rows)
    # Not applicable last, so the page reads from what matters now.
    return sorted(rows, key=lambda row: row.status == DeadlineStatus.NOT_APPLICABLE)


def _certificate(
    request: HttpRequest, case: FastTrackCase, role: Role, requests: list[CertificateRequest]
) -> Certificate | None:
    if role not in _READS_CERTIFICATE:
        return None
    try:
        return get_certificate_for(
            request.user, case, purpose=ROLE_PURPOSE[role], request=request, requests=requests
        )
    except Http404:
        return None


def _employer_conversation(case: FastTrackCase, role: Role) -> EmployerConversation | None:
    read, conversation = _in_hand(case, "employer_conversation")
    if not read:
        return employer_conversation_for(role, case)
    return conversation if sees_employer_conversation(role) else None


def _certificate_request(
    case: FastTrackCase, role: Role, user: Any, requests: list[CertificateRequest]
) -> CertificateRequest | None:
    if role in EMPLOYER_ROLES:
        return None
    current = clock.current_certificate_request(case, requests=requests)
    if current is None:
        return None
    if role == Role.DOCTOR and current.clinic_id != user.membership.clinic_id:
        return None
    return current


def _timeline(case: FastTrackCase, role: Role) -> list[Any]:
    if role == Role.DOCTOR:
        # The doctor works from the certificate request, not the case's history.
        return []
    events = list(events_visible_to(role, case.events.all()).order_by("-sequence"))
    for event in events:
        event.visible_note = note_visible_to(role, event)  # type: ignore[attr-defined]
    return events


def meetings_for_role(case: FastTrackCase, role: Role, user: Any) -> list[Meeting]:
    if role == Role.DOCTOR:
        return []
    # The manager sees the meetings they take part in, HR the retention meetings,
    # neither of them the doctor (meetings.access).
    # ``case`` came through ``get_case_for``: a role that sees every meeting of
    # its cases needs no second look at which meetings those are.
    found = _meetings_through_participants(case) if sees_every_meeting_of_its_cases(role) else None
    if found is None:
        visible = meetings_for(case)
        if not sees_every_meeting_of_its_cases(role):
            visible = visible.filter(pk__in=meetings_for_user(user).values("pk"))
        found = [(meeting, list(meeting.participants.all())) for meeting in visible]
    meetings = []
    for meeting, participants in found:
        meeting.case = case  # the guards ask the case's state; it is in hand
        meeting.show_minutes = minutes_visible_to(role, meeting)  # type: ignore[attr-defined]
        meeting.visible_participants = participants_visible_to(  # type: ignore[attr-defined]
            role, participants
        )
        meetings.append(meeting)
    return meetings


def _meetings_through_participants(
    case: FastTrackCase,
) -> list[tuple[Meeting, list[MeetingParticipant]]] | None:
    """Every meeting of the case with its participants, in one query, read from the
    participants' side; None when that may miss a meeting without participants
    (the case read by ``_read_with_case`` says how many meetings it has)."""
    expected = getattr(case, _MEETING_COUNT, None)
    if expected is None:
        return None
    if expected == 0:
        return []
    rows = (
        MeetingParticipant.objects.filter(meeting__case=case)
        .select_related("meeting")
        .order_by("meeting__starts_at", "meeting__id", "pk")
    )
    grouped: dict[int, tuple[Meeting, list[MeetingParticipant]]] = {}
    for participant in rows:
        meeting, participants = grouped.setdefault(
            participant.meeting_id, (participant.meeting, [])
        )
        participant.meeting = meeting  # one object per meeting, not one per row
        participants.append(participant)
    if len(grouped) != expected:
        return None
    return list(grouped.values())


def _late_consent_decision_due(
    case: FastTrackCase, today: date, consent: Consent | None, deadlines: list[CaseDeadline]
) -> bool:
    """A late acceptance, or no answer after the consent deadline (R-12)."""
    if not can(case.state, Action.FALL_BACK):
        return False
    if consent is not None:
        return consent.accepted and consent.late
    due = next((row.due_on for row in deadlines if row.key == DeadlineKey.EMPLOYEE_CONSENT), None)
    return due is not None and today > due


def _caseworker_actions(
    case: FastTrackCase,
    meetings: list[Meeting],
    today: date,
    user: Any,
    requests: list[CertificateRequest],
    deadlines: list[CaseDeadline],
) -> dict[str, Any]:
    """What the caseworker may do now: the buttons ask the same guards as the actions."""
    # The employee's answer (one per case at most), read once and only where it matters.
    consent = (
        _consent(case)
        if can(case.state, Action.ACCEPT) or can(case.state, Action.FALL_BACK)
        else None
    )
    awaiting_answer = can(case.state, Action.ACCEPT) and consent is None
    # The caseworker sees every meeting of the case: the guards decide from them.
    assert sees_every_meeting_of_its_cases(Role.CASEWORKER)
    all_meetings = meetings
    certificate_refusal = guards.refusal_to_request_certificate(case, requests=requests)
    close_refusal = guards.refusal_to_close(case, meetings=all_meetings)
    return {
        # who the employee is comes first; nothing goes to them before.
        "confirm_identity": not case.identity_confirmed
        and can(case.state, Action.CONFIRM_IDENTITY),
        "record_consent": awaiting_answer and case.identity_confirmed,
        "set_own_doctor": can(case.state, Action.SET_OWN_DOCTOR),
        "decide_late_consent": _late_consent_decision_due(case, today, consent, deadlines),
        "withdraw": can(case.state, Action.WITHDRAW),
        "request_certificate": certificate_refusal is None,
        "no_clinic": isinstance(certificate_refusal, ClinicMissing),
        "book_first_conversation": guards.can_book_meeting(
            case, MeetingKind.FIRST_CONVERSATION, meetings=all_meetings
        ),
        "book_retention_meeting": guards.can_book_meeting(
            case, MeetingKind.RETENTION_MEETING, meetings=all_meetings
        ),
        "record_plan": can(case.state, Action.RECORD_PLAN),
        "add_journal_note": can(case.state, Action.ADD_JOURNAL_NOTE),
        "close": close_refusal is None,
        # Why closing is not offered yet, when only a booked meeting stands in the way.
        "close_blocked": None
        if close_refusal is None or not can(case.state, Action.CLOSE)
        else close_refusal,
        "take": guards.can_take(case, user),
        "held": {m.pk for m in meetings if guards.can_record_held(m, today=today)},
    }


def _consent(case: FastTrackCase) -> Consent | None:
    read, consent = _in_hand(case, "consent")
    return consent if read else Consent.objects.filter(case=case).first()


def _manager_actions(case: FastTrackCase, user: Any) -> dict[str, Any]:
    """The jobcentre manager assigns and reassigns the case."""
    if not guards.can_assign(case):
        return {}
    return {"assign": AssignForm(user=user, initial={"caseworker": case.caseworker_id})}


def _employer_actions(
    case: FastTrackCase, role: Role, conversation: EmployerConversation | None
) -> dict[str, Any]:
    return {
        "record_conversation": guards.can_record_employer_conversation_given(case, conversation),
        "choose_nearest_manager": role == Role.EMPLOYER
        and case.absence.employer_id is not None
        and can(case.state, Action.SET_NEAREST_MANAGER),
    }


def _actions_for(
    role: Role,
    case: FastTrackCase,
    meetings: list[Meeting],
    today: date,
    user: Any,
    conversation: EmployerConversation | None,
    requests: list[CertificateRequest],
    deadlines: list[CaseDeadline],
) -> dict[str, Any]:
    if role == Role.CASEWORKER:
        return _caseworker_actions(case, meetings, today, user, requests, deadlines)
    if role == Role.JOBCENTRE_MANAGER:
        return _manager_actions(case, user)
    if role in EMPLOYER_ROLES:
        return _employer_actions(case, role, conversation)
    return {}


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    # The read is logged with the role's purpose, which the employee sees in
    # "who has seen my data"; get_case_for answers 404 without a role.
    membership = membership_of(request.user)
    purpose = ROLE_PURPOSE.get(Role(membership.role), Purpose.CASE_WORK) if membership else ""
    related, annotations = _read_with_case(Role(membership.role)) if membership else ((), {})
    case, role = get_case_for(
        request.user,
        case_id,
        purpose=purpose,
        request=request,
        related=related,
        annotations=annotations,
    )
    return render(request, "web/case/detail.html", case_page_context(request, case, role))


def _read_with_case(role: Role) -> tuple[tuple[str, ...], dict[str, Any]]:
    """What the case page reads in the case's own query for ``role``: the one-to-one
    rows the role is shown, and whether the lists that are often empty have rows,
    so that an empty list costs no query of its own. Only what the role may see."""
    # The doctor is shown no plan (``plan_context``).
    related: tuple[str, ...] = () if role == Role.DOCTOR else ("plan",)
    if role == Role.CASEWORKER:
        related += ("consent",)
    if sees_employer_conversation(role):
        related += ("employer_conversation__recorded_by",)
    annotations: dict[str, Any] = {
        _READ_FOR_PAGE: Value(True),
        _HAS_PLAN_REQUESTS: Exists(RetentionPlanRequest.objects.filter(case=OuterRef("pk"))),
        _HAS_STATEMENTS: Exists(OpportunityStatement.objects.filter(case=OuterRef("pk"))),
    }
    if role in JOBCENTRE_ROLES:
        annotations[_HAS_NEWS] = has_news()
    if sees_every_meeting_of_its_cases(role):
        annotations[_MEETING_COUNT] = Coalesce(
            Subquery(
                Meeting.objects.filter(case=OuterRef("pk"))
                .order_by()
                .values("case")
                .annotate(count=Count("pk"))
                .values("count")
            ),
            0,
        )
    # At most one answer set per party (a unique constraint): a join each.
    parties = [Party.EMPLOYER] if role in EMPLOYER_ROLES else [Party.EMPLOYER, Party.EMPLOYEE]
    for party in parties:
        name = _ANSWERS_OF[party]
        annotations[name] = FilteredRelation("answers", condition=Q(answers__party=party))
        related += (name,)
    return related, annotations


# Set on a case read by ``_read_with_case``: False where the list has no rows.
_READ_FOR_PAGE = "page_read_with_case"
_HAS_PLAN_REQUESTS = "page_has_plan_requests"
_HAS_STATEMENTS = "page_has_statements"
_HAS_NEWS = "page_has_news"
_MEETING_COUNT = "page_meeting_count"
_ANSWERS_OF = {Party.EMPLOYER: "page_employer_answers", Party.EMPLOYEE: "page_employee_answers"}


def _answers_in_hand(case: FastTrackCase) -> list[Answers] | None:
    """The answers read with the case (the employer side's without the employee's),
    or None when the case was read without them. A party without answers leaves
    its attribute unset (Django sets a filtered relation only when it found a row)."""
    if not getattr(case, _READ_FOR_PAGE, False):
        return None
    return [
        given
        for given in (getattr(case, name, None) for name in _ANSWERS_OF.values())
        if given is not None
    ]


def _may_have(case: FastTrackCase, flag: str) -> bool:
    """False only when the case was read with ``flag`` and it says there are no rows."""
    return getattr(case, flag, True) is not False


def _in_hand(case: FastTrackCase, name: str) -> tuple[bool, Any]:
    """Whether the one-to-one ``name`` was read with the case, and its row (or None)."""
    descriptor = getattr(FastTrackCase, name)
    if not descriptor.is_cached(case):
        return False, None
    return True, getattr(case, name, None)


def case_page_context(
    request: HttpRequest, case: FastTrackCase, role: Role, *, pdf: bool = False
) -> dict[str, Any]:
    """Everything the case page shows ``role``; the dossier PDF renders the same
    (``pdf``: without buttons, and the caseworker's news stay new)."""
    today = timezone.localdate()
    meetings = meetings_for_role(case, role, request.user)
    deadlines = _deadlines(case, role)
    # What is new to the case's caseworker is shown once, then no longer new.
    news = (
        list(unseen_notices(case)) if role in JOBCENTRE_ROLES and _may_have(case, _HAS_NEWS) else []
    )
    if role == Role.CASEWORKER and not pdf and news:
        # Nothing new, nothing to mark: the read above found no unseen notice.
        mark_seen(case, request.user)
    conversation = _employer_conversation(case, role)
    # The case's certificate requests, read once for the page and the guards;
    # the employer side learns nothing of them. Who reads health data
    # gets the certificates in the same query.
    requests = (
        []
        if role in EMPLOYER_ROLES
        else list(
            CertificateRequest.objects.filter(case=case).select_related(
                "clinic", *(("certificate",) if role in _READS_CERTIFICATE else ())
            )
        )
    )
    context = {
        "case": case,
        "role": role,
        "today": today,
        "is_employer_side": role in EMPLOYER_ROLES,
        "is_jobcentre": role in (Role.CASEWORKER, Role.JOBCENTRE_MANAGER),
        "is_caseworker": role == Role.CASEWORKER,
        "is_doctor": role == Role.DOCTOR,
        "deadlines": deadlines,
        "next_deadline": _next_deadline(deadlines),
        "answer_rows": answer_rows(case, role),
        "show_employee_answers": role not in EMPLOYER_ROLES,
        "certificate_request": _certificate_request(case, role, request.user, requests),
        "certificate": _certificate(request, case, role, requests),
        "meetings": meetings,
        "notes": list(journal_notes_for(role, case))
        if role in (Role.CASEWORKER, Role.JOBCENTRE_MANAGER)
        else [],
        "events": _timeline(case, role),
        # The doctor follows the certificate request, not the case's letters.
        "deliveries": [] if role == Role.DOCTOR else deliveries_for(case, role, request.user),
        "cpr_shown": _cpr_for(case, role),
        "actions": _actions_for(
            role, case, meetings, today, request.user, conversation, requests, deadlines
        ),
        "news": news,
        "employer_conversation": conversation,
        "case_is_active": case.state == State.ACTIVE,
        "pdf": pdf,
        "documents": documents_context(case, role, request.user),
        **plan_context(case, role),
    }
    return context


def plan_context(case: FastTrackCase, role: Role) -> dict[str, Any]:
    """The current version of the plan, what changed from the one before, and the
    comments on it each role may read (R-20)."""
    if role == Role.DOCTOR:
        return {"plan": None}
    read, plan = _in_hand(case, "plan")
    if read and plan is None:
        return {"plan": None}
    versions = list(PlanVersion.objects.filter(plan__case=case).order_by("-number")[:2])
    if not versions:
        return {"plan": None}
    current = versions[0]
    previous = versions[1] if len(versions) > 1 else None
    return {
        "plan": current,
        "plan_previous": previous,
        "plan_changes": compare_plan_versions(previous, current) if previous else [],
        "plan_comments": plan_comments_for(role, current),
        "can_comment_plan": can(case.state, Action.COMMENT_PLAN) and role != Role.JOBCENTRE_MANAGER,
    }


def documents_context(case: FastTrackCase, role: Role, user: Any) -> dict[str, Any]:
    """The related documents as ``role`` may see them (R-24, ``documents.access``)."""
    active = can(case.state, Action.WORK_ON_DOCUMENT)
    plan_requests = plan_requests_for(role, case) if _may_have(case, _HAS_PLAN_REQUESTS) else []
    statements = statements_for(role, case, user) if _may_have(case, _HAS_STATEMENTS) else []
    open_request = any(r.state == RetentionPlanRequestState.REQUESTED for r in plan_requests)
    open_statement = any(s.state in OPEN_STATEMENT_STATES for s in statements)
    return {
        "plan_requests": [
            {"request": r, "show_content": plan_request_content_visible(role, r)}
            for r in plan_requests
        ],
        "statements": statements,
        "can_request_plan": active
        and role == Role.EMPLOYEE
        and case.absence.employer_id is not None
        and not open_request,
        "can_start_statement": active
        and (role == Role.EMPLOYEE or role in EMPLOYER_ROLES)
        and case.absence.employer_id is not None
        and not open_statement,
    }


def _next_deadline(deadlines: list[CaseDeadline]) -> CaseDeadline | None:
    """The earliest pending deadline among those the role sees.

    Not ``case.next_deadline_*``: that may be the medical certificate, which
    the employer side must not learn of (R-18).
    """
    pending = [
        row
        for row in deadlines
        if row.status == DeadlineStatus.PENDING
        and row.due_on is not None
        and row.key not in INFORMATIONAL_KEYS
    ]
    return min(pending, key=lambda row: row.due_on or date.max, default=None)


def _cpr_for(case: FastTrackCase, role: Role) -> str:
    person = case.absence.person
    # The caseworker and the doctor identify the citizen by it; everyone
    # else sees only the date of birth.
    if role in (Role.CASEWORKER, Role.DOCTOR):
        return person.cpr_formatted
    return person.cpr_masked


# --- the caseworker's actions ----------------------------------------------------


def _case_for_caseworker(request: HttpRequest, case_id: int) -> FastTrackCase:
    case, role = get_case_for(request.user, case_id, purpose=Purpose.CASE_WORK, request=request)
    if role != Role.CASEWORKER:
        raise Http404
    return case


def _bound(request: HttpRequest) -> Any:
    # ``request.POST or None`` would treat an empty POST as unbound and show
    # no errors at all.
    return request.POST if request.method == "POST" else None


def _to_case(request: HttpRequest, case: FastTrackCase, message: Promise | str) -> HttpResponse:
    messages.success(request, str(message))
    return redirect("web:case_detail", case_id=case.pk)


def _action_page(
    request: HttpRequest,
    case: FastTrackCase,
    form: forms.BaseForm,
    *,
    title: Promise | str,
    submit: Promise | str,
    intro: Promise | str = "",
    **extra: Any,
) -> HttpResponse:
    context = {"case": case, "form": form, "title": title, "submit": submit, "intro": intro}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "web/case/action.html", context | extra, status=status)


@require_role(Role.CASEWORKER)
def case_record_consent(request: HttpRequest, case_id: int) -> HttpResponse:
    """The employee's yes or no to the employer's request, given by phone or on paper."""
    case = _case_for_caseworker(request, case_id)
    form = ConsentOnBehalfForm(_bound(request))
    form.label_answers(_question_labels(case))
    if form.is_bound and form.is_valid():
        try:
            if form.cleaned_data["decision"] == ConsentOnBehalfForm.ACCEPT:
                actions.accept(
                    case=case,
                    actor=request.user,
                    answers=form.answers(),
                    channel=form.cleaned_data["channel"],
                )
            else:
                actions.decline(case=case, actor=request.user, channel=form.cleaned_data["channel"])
        except AnswersRequired as error:
            missing = [key for key, text in form.answers().items() if not text.strip()]
            add_rule_error(form, error, {AnswersRequired: missing})
        except RuleViolation as error:
            add_rule_error(form, error, {})
        else:
            return _to_case(request, case, _("The employee's answer is recorded."))
    return _action_page(
        request,
        case,
        form,
        # Translators: Danish "Registrér borgerens svar".
        title=_("Record the employee's answer"),
        submit=_("Record the answer"),
        intro=_(
            "Use this when the employee answered by phone, e-mail, in person or by letter. "
            "Accepting needs the employee's answers to the three questions."
        ),
    )


def _question_labels(case: FastTrackCase) -> dict[str, str]:
    language = _language()
    questions = question_set(case.question_set_version)
    return {key: q.text(language) for key, q in questions.questions.items()}


@require_role(Role.CASEWORKER)
def case_decide_late_consent(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_for_caseworker(request, case_id)
    form = LateConsentDecisionForm(_bound(request))
    if form.is_bound and form.is_valid():
        try:
            actions.decide_after_late_consent(
                case=case,
                actor=request.user,
                continue_fast_track=form.continue_fast_track,
                reason=form.cleaned_data["reason"],
            )
        except RuleViolation as error:
            add_rule_error(form, error, {ReasonRequired: "reason"})
        else:
            return _to_case(request, case, _("The decision is recorded."))
    return _action_page(
        request,
        case,
        form,
        # Translators: Danish "Afgørelse efter for sent samtykke".
        title=_("Decision after a late or missing consent"),
        submit=_("Record the decision"),
        intro=_(
            "The employee answered after the deadline, or not at all. Decide whether Fast "
            "track continues or the case falls back to the normal track, and write why "
            "(bek. 1710 § 4, stk. 2)."
        ),
    )


@require_role(Role.CASEWORKER)
def case_withdraw(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_for_caseworker(request, case_id)
    form = WithdrawForm(_bound(request))
    if form.is_bound and form.is_valid():
        try:
            actions.withdraw(
                case=case,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                note_shared_with_employer=form.cleaned_data["note_shared_with_employer"],
            )
        except RuleViolation as error:
            add_rule_error(form, error, {ReasonRequired: "reason"})
        else:
            return _to_case(request, case, _("The request is withdrawn."))
    return _action_page(
        request,
        case,
        form,
        title=_("Withdraw the request"),
        submit=_("Withdraw the request"),
        intro=_("A request can be withdrawn until the employee has answered it."),
    )


def _refused(request: HttpRequest, case: FastTrackCase, refusal: RuleViolation) -> HttpResponse:
    """Back to the case with why the action is not possible now (a stale page or link)."""
    messages.error(request, localized_message(refusal))
    return redirect("web:case_detail", case_id=case.pk)


@require_role(Role.CASEWORKER)
def case_request_certificate(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_for_caseworker(request, case_id)
    if (refusal := guards.refusal_to_request_certificate(case)) is not None:
        return _refused(request, case, refusal)
    today = timezone.localdate()
    # As long as R-16 allows: up to the first conversation, 8 to 14 days.
    latest = latest_certificate_day(
        rule_set_by_version(case.rule_set_version),
        today,
        actions.certificate_conversation_day(case),
    )
    form = CertificateRequestForm(_bound(request), initial={"due_in_days": (latest - today).days})
    if form.is_bound and form.is_valid():
        try:
            actions.request_certificate(
                case=case, actor=request.user, due_in_days=form.cleaned_data["due_in_days"]
            )
        except RuleViolation as error:
            add_rule_error(
                form,
                error,
                {CertificateDueTooSoon: "due_in_days", CertificateDueTooLate: "due_in_days"},
            )
        else:
            return _to_case(request, case, _("The medical certificate is requested."))
    clinic = case.absence.person.clinic
    return _action_page(
        request,
        case,
        form,
        # Translators: Danish "Bed om lægeattest (LÆ 285)".
        title=_("Request a medical certificate (LÆ 285)"),
        submit=_("Send the request to the doctor"),
        intro=_(
            "The request goes to the employee's own doctor, %(clinic)s, with both parties' "
            "answers to the three questions. The certificate must be in hand by the first "
            "follow-up conversation: at the latest %(latest)s."
        )
        % {"clinic": clinic.name if clinic else "–", "latest": as_weekday_date(latest)},
    )


def _participant_candidates(case: FastTrackCase, user: Any) -> dict[str, dict[str, Any]]:
    """Who from the case can take part: the employee, the nearest manager, the caseworker."""
    person = case.absence.person
    # The reverse one-to-one raises a subclass of AttributeError when empty.
    membership = getattr(person, "membership", None)
    candidates: dict[str, dict[str, Any]] = {
        "employee": {
            "user": membership.user if membership else None,
            "name": person.name,
            "role": Role.EMPLOYEE,
        },
    }
    if case.nearest_manager is not None:
        candidates["manager"] = {
            "user": case.nearest_manager,
            "name": case.nearest_manager.get_full_name() or case.nearest_manager.get_username(),
            "role": Role.MANAGER,
        }
    candidates["caseworker"] = {
        "user": user,
        "name": user.get_full_name() or user.get_username(),
        "role": Role.CASEWORKER,
    }
    return candidates


def _doctors_of(case: FastTrackCase) -> dict[int, tuple[str, Any]]:
    """The doctors at the employee's own clinic who have a login, by user id."""
    clinic_id = case.absence.person.clinic_id
    if clinic_id is None:
        return {}
    users = get_user_model().objects.filter(
        is_active=True, membership__role=Role.DOCTOR, membership__clinic_id=clinic_id
    )
    return {user.pk: (user.get_full_name() or user.get_username(), user) for user in users}


def _optional_participants(
    data: dict[str, Any], doctors: dict[int, tuple[str, Any]]
) -> list[dict[str, Any]]:
    """The guests of the booking form as participants; the engine checks who may come."""
    guests: list[dict[str, Any]] = []
    if data.get("companion_name"):
        guests.append(
            {"user": None, "name": data["companion_name"], "role": "", "party": "companion"}
        )
    if data.get("union_representative_name"):
        guests.append(
            {
                "user": None,
                "name": data["union_representative_name"],
                "role": "",
                "party": "union_representative",
            }
        )
    if data.get("doctor"):
        name, user = doctors[int(data["doctor"])]
        guests.append(
            {
                "user": user,
                "name": name,
                "role": Role.DOCTOR,
                "party": "doctor",
                "employee_consented": data.get("doctor_consented", False),
            }
        )
    return guests


def _proposed_start(case: FastTrackCase, kind: MeetingKind, today: date) -> date:
    """The next banking day, but no later than the deadline while it can still be kept.

    Never today: the proposed time must be one to come (R-33).
    """
    proposed = next_banking_day_on_or_after(today + timedelta(days=1))
    due = (
        deadlines_for(case)
        .filter(key=_DEADLINE_OF_KIND[kind], status=DeadlineStatus.PENDING)
        .values_list("due_on", flat=True)
        .first()
    )
    if due is not None and today < due < proposed:
        return due
    return proposed


def _proposed_location(case: FastTrackCase, kind: MeetingKind) -> str:
    if kind == MeetingKind.RETENTION_MEETING and case.absence.employer is not None:
        employer = case.absence.employer
        place = " ".join(filter(None, [employer.postal_code, employer.city]))
        return ", ".join(filter(None, [employer.name, employer.address, place]))
    municipality = case.municipality
    return ", ".join(filter(None, [municipality.jobcentre_name, municipality.jobcentre_address]))


@require_role(Role.CASEWORKER)
def case_book_meeting(request: HttpRequest, case_id: int) -> HttpResponse:
    """Book the first conversation or the retention meeting, prefilled from the case."""
    case = _case_for_caseworker(request, case_id)
    raw_kind = request.POST.get("kind") or request.GET.get("kind") or MeetingKind.FIRST_CONVERSATION
    if raw_kind not in MeetingKind.values:
        raise Http404
    kind = MeetingKind(raw_kind)
    if (refusal := guards.refusal_to_book_meeting(case, kind)) is not None:
        return _refused(request, case, refusal)
    candidates = _participant_candidates(case, request.user)
    # The first conversation is the jobcentre's talk with the employee;
    # the retention meeting is at the workplace with the manager too.
    if kind != MeetingKind.RETENTION_MEETING:
        candidates.pop("manager", None)
    choices = [(key, f"{c['name']} ({c['role'].label})") for key, c in candidates.items()]
    default_participants = list(candidates)
    doctors = _doctors_of(case)
    form = BookMeetingForm(
        _bound(request),
        participant_choices=choices,
        kind=kind,
        doctor_choices=[(str(pk), name) for pk, (name, _user) in doctors.items()],
        initial={
            "kind": kind.value,
            "date": _proposed_start(case, kind, timezone.localdate()),
            "time": PROPOSED_MEETING_TIME,
            "location": _proposed_location(case, kind),
            "participants": default_participants,
        },
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        participants = [candidates[key] for key in data["participants"]]
        participants += _optional_participants(data, doctors)
        starts_at = timezone.make_aware(datetime.combine(data["date"], data["time"]))
        try:
            actions.book_meeting(
                case=case,
                actor=request.user,
                kind=kind,
                starts_at=starts_at,
                location=data["location"],
                video_url=data["video_url"],
                participants=participants,
            )
        except RuleViolation as error:
            add_rule_error(
                form,
                error,
                {
                    DoctorWithoutConsent: "doctor_consented",
                    DoctorNotAskedForCertificate: "doctor",
                    MeetingTimeNotInFuture: "date",
                },
            )
        else:
            return _to_case(request, case, _("%(kind)s is booked.") % {"kind": kind.label})
    return _action_page(
        request,
        case,
        form,
        title=_("Book: %(kind)s") % {"kind": kind.label},
        submit=_("Book"),
        intro=_(
            "Date, place and participants are filled in from the case. Booking does not meet "
            "the deadline: record the meeting as held when it has taken place."
        ),
    )


@require_role(Role.CASEWORKER)
def case_record_plan(request: HttpRequest, case_id: int) -> HttpResponse:
    """A new version of the retention plan, starting from the current one (R-20, R-22)."""
    case = _case_for_caseworker(request, case_id)
    current = current_plan_version(case)
    initial: dict[str, Any] = {}
    measures_initial: list[dict[str, Any]] = []
    if current is not None:
        initial = {
            "summary": current.summary,
            "partial_leave_hours_per_week": current.partial_leave_hours_per_week,
            "evaluate_on": current.evaluate_on,
        }
        measures_initial = [
            {**m, "due_on": date.fromisoformat(m["due_on"]) if m.get("due_on") else None}
            for m in current.measures
        ]
    form = PlanForm(_bound(request), initial=initial)
    formset = MeasureFormSet(_bound(request), initial=measures_initial, prefix="measures")
    if form.is_bound and form.is_valid() and formset.is_valid():
        filled = [m for m in formset.forms if m.cleaned_data and not m.is_blank()]
        try:
            actions.record_plan(
                case=case,
                actor=request.user,
                summary=form.cleaned_data["summary"],
                measures=[m.cleaned_data for m in filled],
                partial_leave_hours_per_week=form.cleaned_data["partial_leave_hours_per_week"],
                evaluate_on=form.cleaned_data["evaluate_on"],
            )
        except MeasureDueBeforeAbsence as error:
            # The engine counts the measures it was given: the filled-in forms.
            filled[error.params["index"]].add_error("due_on", localized_message(error))
        except RuleViolation as error:
            add_rule_error(
                form,
                error,
                {
                    PartialLeaveTooFewHours: "partial_leave_hours_per_week",
                    EvaluationBeforeAbsence: "evaluate_on",
                },
            )
        else:
            return _to_case(request, case, _("The plan is saved as a new version."))
    response = _action_page(
        request,
        case,
        form,
        # Translators: Danish "Plan for fastholdelse og afklaring".
        title=_("Retention plan"),
        submit=_("Save the plan"),
        intro=_(
            "Each save is a new version; earlier versions and the parties' confirmations stay."
        ),
        formset=formset,
    )
    if formset.is_bound and formset.errors and response.status_code == 200:
        response.status_code = 400
    return response


@require_role(Role.CASEWORKER)
@require_POST
def case_assign_to_me(request: HttpRequest, case_id: int) -> HttpResponse:
    """The caseworker takes the case from the queue: it is then hers in the worklist, and so
    are its letters. One click, from the worklist or the case page."""
    case = _case_for_caseworker(request, case_id)
    try:
        actions.assign_caseworker(case=case, actor=request.user)
    except RuleViolation as error:
        messages.error(request, localized_message(error))
        return redirect("web:case_detail", case_id=case.pk)
    return _to_case(request, case, _("You have taken the case."))


@require_role(Role.JOBCENTRE_MANAGER)
@require_POST
def case_assign(request: HttpRequest, case_id: int) -> HttpResponse:
    """The jobcentre manager assigns or reassigns the case to a caseworker, who is told."""
    case, _role = get_case_for(request.user, case_id, purpose=Purpose.SUPERVISION, request=request)
    form = AssignForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("caseworker", [])))
        return redirect("web:case_detail", case_id=case.pk)
    caseworker = form.cleaned_data["caseworker"]
    try:
        actions.assign_caseworker(case=case, actor=request.user, caseworker=caseworker)
    except RuleViolation as error:
        messages.error(request, localized_message(error))
        return redirect("web:case_detail", case_id=case.pk)
    name = caseworker.get_full_name() or caseworker.get_username()
    return _to_case(request, case, _("The case is assigned to %(name)s.") % {"name": name})


@require_role(Role.CASEWORKER)
def case_confirm_identity(request: HttpRequest, case_id: int) -> HttpResponse:
    """R-36: the caseworker confirms or corrects who the employee is."""
    case = _case_for_caseworker(request, case_id)
    if case.identity_confirmed:
        return _to_case(request, case, _("The employee's identity is already confirmed."))
    register_entry = citizen_register().lookup(case.absence.person.cpr)
    form = ConfirmIdentityForm(
        _bound(request),
        initial={
            "name": register_entry.name if register_entry else case.employee_name_given,
            "municipality": case.municipality,
        },
    )
    if form.is_bound and form.is_valid():
        try:
            actions.confirm_identity(
                case=case,
                actor=request.user,
                name=form.cleaned_data["name"],
                municipality=form.cleaned_data["municipality"],
            )
        except RuleViolation as error:
            add_rule_error(form, error, {ReasonRequired: "name"})
        else:
            return _to_case(
                request, case, _("The identity is confirmed, and the employee is written to.")
            )
    return _action_page(
        request,
        case,
        form,
        # Translators: Danish "Bekræft medarbejderens identitet".
        title=_("Confirm the employee's identity"),
        submit=_("Confirm"),
        intro=_(
            "The employer named this person, but the citizen register does not confirm it. "
            "Check who the employee is (for example by phone), then confirm or correct the "
            "name and home municipality. Only then is the employee written to."
        ),
        identity={
            "name_given": case.employee_name_given,
            "municipality_given": case.municipality_given,
            "register": register_entry,
        },
    )


@require_role(Role.CASEWORKER)
def case_add_journal_note(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_for_caseworker(request, case_id)
    form = JournalNoteForm(_bound(request))
    if form.is_bound and form.is_valid():
        try:
            actions.add_journal_note(case=case, actor=request.user, text=form.cleaned_data["text"])
        except RuleViolation as error:
            add_rule_error(form, error, {ReasonRequired: "text"})
        else:
            return _to_case(request, case, _("The journal note is saved."))
    return _action_page(
        request,
        case,
        form,
        # Translators: Danish "Nyt journalnotat".
        title=_("New journal note"),
        submit=_("Save the note"),
        intro=_("Write down oral information and key steps in the case."),
    )


@require_role(Role.CASEWORKER)
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_for_caseworker(request, case_id)
    if (refusal := guards.refusal_to_close(case)) is not None:
        return _refused(request, case, refusal)
    form = CloseForm(_bound(request))
    if form.is_bound and form.is_valid():
        try:
            actions.close(
                case=case,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                note_shared_with_employer=form.cleaned_data["note_shared_with_employer"],
            )
        except RuleViolation as error:
            add_rule_error(form, error, {InvalidOutcome: "outcome"})
        else:
            return _to_case(request, case, _("The case is closed."))
    return _action_page(
        request,
        case,
        form,
        title=_("Close the case"),
        submit=_("Close the case"),
        intro=_("Deadlines that are still open no longer apply once the case is closed."),
    )
