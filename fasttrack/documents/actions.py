"""Every change to a related document, one named action each (R-24, R-20).

Built on the case's shared steps (``cases.actions``): each action locks the
case row, checks the case's state table and the document's own, checks the
actor's role, records the history and enqueues its letters in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from fasttrack.audit.history import record_event
from fasttrack.audit.verbs import EventVerb
from fasttrack.cases import letters as case_letters
from fasttrack.cases import notices
from fasttrack.cases.actions import _finish, _lock, _lock_for_sweep, _require_role, _today
from fasttrack.cases.errors import InvalidPlanVersion, NotPermitted
from fasttrack.cases.guards import require
from fasttrack.cases.models import FastTrackCase, NoticeKind
from fasttrack.cases.states import Action, State, can, require_transition
from fasttrack.documents import letters
from fasttrack.documents.access import comment_party_of
from fasttrack.documents.errors import (
    CancelStatementReasonRequired,
    CommentRequired,
    DoctorAssessmentRequired,
    NoOwnDoctor,
    PartOneAlreadyConfirmed,
    PartOneIncomplete,
    RefusalReasonRequired,
    RetentionPlanContentRequired,
)
from fasttrack.documents.guards import refusal_to_request_plan, refusal_to_start_statement
from fasttrack.documents.models import (
    FeePayer,
    OpportunityStatement,
    RetentionPlanRequest,
    RetentionPlanRequestState,
    StatementParty,
    StatementState,
)
from fasttrack.documents.states import DocumentAction, require_plan_request, require_statement
from fasttrack.lib.rules import (
    add_banking_days,
    banking_days_between,
    load_rule_sets,
    rule_set_by_version,
)
from fasttrack.lib.rules.documents import (
    opportunity_statement_doctor,
    opportunity_statement_doctor_reminder_day,
    plan_evaluation_reminder_day,
    retention_plan_answer,
    retention_plan_answer_reminder_day,
)
from fasttrack.lib.rules.keys import DocumentDeadlineKey
from fasttrack.people.models import EMPLOYER_ROLES, JOBCENTRE_ROLES, Role, membership_of
from fasttrack.plans.models import PlanComment, PlanVersion

_EMPLOYEE = frozenset({Role.EMPLOYEE})
_DOCTOR = frozenset({Role.DOCTOR})
_EMPLOYEE_OR_EMPLOYER = _EMPLOYEE | EMPLOYER_ROLES


def _statement_party(role: Role) -> StatementParty:
    return StatementParty.EMPLOYEE if role == Role.EMPLOYEE else StatementParty.EMPLOYER


# --- the fastholdelsesplan, § 7 b --------------------------------------------------


def _plan_request(case: FastTrackCase, plan_request: RetentionPlanRequest) -> RetentionPlanRequest:
    # Read again under the case's lock: every change to it goes through here.
    return RetentionPlanRequest.objects.get(pk=plan_request.pk, case=case)


def request_retention_plan(
    *, case: FastTrackCase, actor: Any, message: str = "", today: date | None = None
) -> RetentionPlanRequest:
    """The employee asks the employer for a fastholdelsesplan (§ 7 b)."""
    today = today or _today()
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.REQUEST_RETENTION_PLAN)
        _require_role(actor, case, _EMPLOYEE, Action.REQUEST_RETENTION_PLAN)
        require(refusal_to_request_plan(case))
        due = retention_plan_answer(rule_set_by_version(case.rule_set_version), today)
        plan_request = RetentionPlanRequest.objects.create(
            case=case,
            requested_by=actor,
            requested_on=today,
            message=message.strip(),
            answer_due_on=due.due,
        )
        record_event(
            case=case,
            verb=EventVerb.RETENTION_PLAN_REQUESTED,
            actor=actor,
            new={
                "request": plan_request.pk,
                "answer_due_on": due.due.isoformat(),
                "basis": due.basis,
            },
        )
        case_letters.send(letters.retention_plan_requested(case, plan_request))
        _finish(case, actor, today=today)
    return plan_request


def _answer_plan_request(
    *,
    case: FastTrackCase,
    actor: Any,
    plan_request: RetentionPlanRequest,
    action: DocumentAction,
    verb: EventVerb,
    values: dict[str, str],
    today: date | None,
) -> RetentionPlanRequest:
    """The employer's answer, made or refused: the one change both share."""
    today = today or _today()
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.WORK_ON_DOCUMENT)
        _require_role(actor, case, EMPLOYER_ROLES, Action.WORK_ON_DOCUMENT)
        plan_request = _plan_request(case, plan_request)
        new_state = require_plan_request(plan_request.state, action)
        if action == DocumentAction.PREPARE and not values["work_functions"]:
            raise RetentionPlanContentRequired()
        if action == DocumentAction.REFUSE and not values["refusal_reason"]:
            raise RefusalReasonRequired()
        old = plan_request.state
        for name, value in values.items():
            setattr(plan_request, name, value)
        plan_request.state = new_state
        plan_request.answered_by = actor
        plan_request.answered_on = today
        plan_request.save()
        # The texts stay on the document, out of the history's values.
        record_event(
            case=case,
            verb=verb,
            actor=actor,
            old={"request": plan_request.pk, "document_state": old},
            new={
                "request": plan_request.pk,
                "document_state": new_state,
                "answered_on": today.isoformat(),
            },
        )
        case_letters.send(letters.retention_plan_answered(case, plan_request))
        _finish(case, actor, today=today)
    return plan_request


def prepare_retention_plan(
    *,
    case: FastTrackCase,
    actor: Any,
    plan_request: RetentionPlanRequest,
    work_functions: str,
    working_hours: str = "",
    other_measures: str = "",
    today: date | None = None,
) -> RetentionPlanRequest:
    """HR or the nearest manager answers with the plan, made with the employee."""
    return _answer_plan_request(
        case=case,
        actor=actor,
        plan_request=plan_request,
        action=DocumentAction.PREPARE,
        verb=EventVerb.RETENTION_PLAN_PREPARED,
        values={
            "work_functions": work_functions.strip(),
            "working_hours": working_hours.strip(),
            "other_measures": other_measures.strip(),
        },
        today=today,
    )


def refuse_retention_plan(
    *,
    case: FastTrackCase,
    actor: Any,
    plan_request: RetentionPlanRequest,
    reason: str,
    today: date | None = None,
) -> RetentionPlanRequest:
    """The employer may refuse, with a reason the employee is told (§ 7 b)."""
    return _answer_plan_request(
        case=case,
        actor=actor,
        plan_request=plan_request,
        action=DocumentAction.REFUSE,
        verb=EventVerb.RETENTION_PLAN_REFUSED,
        values={"refusal_reason": reason.strip()},
        today=today,
    )


def withdraw_retention_plan_request(
    *, case: FastTrackCase, actor: Any, plan_request: RetentionPlanRequest
) -> RetentionPlanRequest:
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.WORK_ON_DOCUMENT)
        _require_role(actor, case, _EMPLOYEE, Action.WORK_ON_DOCUMENT)
        plan_request = _plan_request(case, plan_request)
        new_state = require_plan_request(plan_request.state, DocumentAction.WITHDRAW)
        old = plan_request.state
        plan_request.state = new_state
        plan_request.save(update_fields=["state"])
        record_event(
            case=case,
            verb=EventVerb.RETENTION_PLAN_WITHDRAWN,
            actor=actor,
            old={"request": plan_request.pk, "document_state": old},
            new={"request": plan_request.pk, "document_state": new_state},
        )
        case_letters.send(letters.retention_plan_withdrawn(case, plan_request))
        _finish(case, actor)
    return plan_request


def bring_retention_plan(
    *, case: FastTrackCase, actor: Any, plan_request: RetentionPlanRequest
) -> RetentionPlanRequest:
    """The employee brings the plan to the first conversation: the jobcentre may read it."""
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.WORK_ON_DOCUMENT)
        _require_role(actor, case, _EMPLOYEE, Action.WORK_ON_DOCUMENT)
        plan_request = _plan_request(case, plan_request)
        require_plan_request(plan_request.state, DocumentAction.BRING)
        if plan_request.bring_to_conversation:
            return plan_request
        plan_request.bring_to_conversation = True
        plan_request.bring_marked_at = timezone.now()
        plan_request.save(update_fields=["bring_to_conversation", "bring_marked_at"])
        record_event(
            case=case,
            verb=EventVerb.RETENTION_PLAN_BROUGHT,
            actor=actor,
            old={"request": plan_request.pk, "bring_to_conversation": False},
            new={"request": plan_request.pk, "bring_to_conversation": True},
        )
        case_letters.send(letters.retention_plan_brought(case, plan_request))
        _finish(case, actor)
    return plan_request


# --- the mulighedserklæring, § 36 a ------------------------------------------------


def _statement(case: FastTrackCase, statement: OpportunityStatement) -> OpportunityStatement:
    return OpportunityStatement.objects.get(pk=statement.pk, case=case)


def start_opportunity_statement(
    *,
    case: FastTrackCase,
    actor: Any,
    fee_payer: FeePayer | str | None = None,
    today: date | None = None,
) -> OpportunityStatement:
    """The employer or the employee starts a mulighedserklæring.

    The one who asks for it pays the doctor, unless another payer is recorded
    (§ 36 a: the employer pays when it asks).
    """
    today = today or _today()
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.START_OPPORTUNITY_STATEMENT)
        role = _require_role(actor, case, _EMPLOYEE_OR_EMPLOYER, Action.START_OPPORTUNITY_STATEMENT)
        require(refusal_to_start_statement(case))
        party = _statement_party(role)
        payer = FeePayer(fee_payer) if fee_payer else FeePayer(party.value)
        statement = OpportunityStatement.objects.create(
            case=case,
            started_by=actor,
            started_by_party=party,
            started_on=today,
            fee_payer=payer,
        )
        record_event(
            case=case,
            verb=EventVerb.STATEMENT_STARTED,
            actor=actor,
            new={"statement": statement.pk, "party": party.value, "fee_payer": payer.value},
        )
        case_letters.send(
            letters.statement_to_other_party(
                case, statement, kind="statement_started", author_party=party.value
            )
        )
        _finish(case, actor, today=today)
    return statement


_PART_ONE_FIELDS = ("job_functions", "can_do", "cannot_do", "agreed_adjustments")


def save_part_one(
    *,
    case: FastTrackCase,
    actor: Any,
    statement: OpportunityStatement,
    job_functions: str,
    can_do: str,
    cannot_do: str,
    agreed_adjustments: str = "",
) -> OpportunityStatement:
    """Part 1, written by either party; a change asks both to confirm again."""
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.WORK_ON_DOCUMENT)
        role = _require_role(actor, case, _EMPLOYEE_OR_EMPLOYER, Action.WORK_ON_DOCUMENT)
        statement = _statement(case, statement)
        require_statement(statement.state, DocumentAction.SAVE_PART_ONE)
        values = {
            "job_functions": job_functions.strip(),
            "can_do": can_do.strip(),
            "cannot_do": cannot_do.strip(),
            "agreed_adjustments": agreed_adjustments.strip(),
        }
        for name, value in values.items():
            setattr(statement, name, value)
        statement.part_one_version += 1
        statement.employer_confirmed_at = statement.employee_confirmed_at = None
        statement.employer_confirmed_by = statement.employee_confirmed_by = None
        statement.save()
        party = _statement_party(role)
        # The words stay on the statement; the history says who wrote which version.
        record_event(
            case=case,
            verb=EventVerb.STATEMENT_PART_ONE_SAVED,
            actor=actor,
            old={"statement": statement.pk, "version": statement.part_one_version - 1},
            new={
                "statement": statement.pk,
                "version": statement.part_one_version,
                "party": party.value,
            },
        )
        case_letters.send(
            letters.statement_to_other_party(
                case, statement, kind="statement_part_one_changed", author_party=party.value
            )
        )
        _finish(case, actor)
    return statement


def confirm_part_one(
    *, case: FastTrackCase, actor: Any, statement: OpportunityStatement, today: date | None = None
) -> OpportunityStatement:
    """Each party confirms part 1; the second confirmation sends part 2 to the doctor."""
    today = today or _today()
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.WORK_ON_DOCUMENT)
        role = _require_role(actor, case, _EMPLOYEE_OR_EMPLOYER, Action.WORK_ON_DOCUMENT)
        statement = _statement(case, statement)
        require_statement(statement.state, DocumentAction.CONFIRM_PART_ONE)
        if not statement.part_one_filled:
            missing = next(n for n in _PART_ONE_FIELDS if not getattr(statement, n).strip())
            raise PartOneIncomplete(missing=missing)
        party = _statement_party(role)
        at_field, by_field = f"{party.value}_confirmed_at", f"{party.value}_confirmed_by"
        if getattr(statement, at_field) is not None:
            raise PartOneAlreadyConfirmed()
        setattr(statement, at_field, timezone.now())
        setattr(statement, by_field, actor)
        record_event(
            case=case,
            verb=EventVerb.STATEMENT_PART_ONE_CONFIRMED,
            actor=actor,
            new={
                "statement": statement.pk,
                "version": statement.part_one_version,
                "party": party.value,
            },
        )
        if statement.employer_confirmed_at and statement.employee_confirmed_at:
            _send_to_doctor(case, statement, actor=actor, today=today)
        statement.save()
        _finish(case, actor, today=today)
    return statement


def _send_to_doctor(
    case: FastTrackCase, statement: OpportunityStatement, *, actor: Any, today: date
) -> None:
    clinic = case.absence.person.clinic
    if clinic is None:
        raise NoOwnDoctor()
    due = opportunity_statement_doctor(rule_set_by_version(case.rule_set_version), today)
    statement.state = StatementState.AT_DOCTOR
    statement.clinic = clinic
    statement.sent_to_doctor_on = today
    statement.doctor_due_on = due.due
    record_event(
        case=case,
        verb=EventVerb.STATEMENT_SENT_TO_DOCTOR,
        actor=actor,
        old={"statement": statement.pk, "document_state": StatementState.PART_ONE.value},
        new={
            "statement": statement.pk,
            "document_state": StatementState.AT_DOCTOR.value,
            "doctor_due_on": due.due.isoformat(),
            "basis": due.basis,
        },
    )
    case_letters.send(letters.statement_to_doctor(case, statement))


def complete_statement(
    *,
    case: FastTrackCase,
    actor: Any,
    statement: OpportunityStatement,
    doctor_assessment: str,
    expected_duration: str = "",
    today: date | None = None,
) -> OpportunityStatement:
    """The doctor of the clinic it was sent to writes part 2: functions only, no diagnosis."""
    today = today or _today()
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.WORK_ON_DOCUMENT)
        _require_role(actor, case, _DOCTOR, Action.WORK_ON_DOCUMENT)
        statement = _statement(case, statement)
        membership = membership_of(actor)
        if membership is None or membership.clinic_id != statement.clinic_id:
            raise NotPermitted(role=Role.DOCTOR.value, action=Action.WORK_ON_DOCUMENT.value)
        new_state = require_statement(statement.state, DocumentAction.COMPLETE)
        if not doctor_assessment.strip():
            raise DoctorAssessmentRequired()
        statement.state = new_state
        statement.doctor_assessment = doctor_assessment.strip()
        statement.expected_duration = expected_duration.strip()
        statement.completed_by = actor
        statement.completed_on = today
        statement.save()
        record_event(
            case=case,
            verb=EventVerb.STATEMENT_COMPLETED,
            actor=actor,
            old={"statement": statement.pk, "document_state": StatementState.AT_DOCTOR.value},
            new={
                "statement": statement.pk,
                "document_state": new_state,
                "completed_on": today.isoformat(),
            },
        )
        case_letters.send(letters.statement_finished(case, statement, kind="statement_completed"))
        _finish(case, actor, today=today)
    return statement


def cancel_statement(
    *, case: FastTrackCase, actor: Any, statement: OpportunityStatement, reason: str
) -> OpportunityStatement:
    """The party that started it cancels it, with a reason every party is told."""
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.WORK_ON_DOCUMENT)
        role = _require_role(actor, case, _EMPLOYEE_OR_EMPLOYER, Action.WORK_ON_DOCUMENT)
        statement = _statement(case, statement)
        if _statement_party(role) != statement.started_by_party:
            raise NotPermitted(role=role.value, action=Action.WORK_ON_DOCUMENT.value)
        new_state = require_statement(statement.state, DocumentAction.CANCEL)
        if not reason.strip():
            raise CancelStatementReasonRequired()
        old = statement.state
        statement.state = new_state
        statement.cancel_reason = reason.strip()
        statement.save(update_fields=["state", "cancel_reason"])
        record_event(
            case=case,
            verb=EventVerb.STATEMENT_CANCELLED,
            actor=actor,
            old={"statement": statement.pk, "document_state": old},
            new={"statement": statement.pk, "document_state": new_state},
        )
        case_letters.send(letters.statement_finished(case, statement, kind="statement_cancelled"))
        _finish(case, actor)
    return statement


# --- comments on the plan and its evaluation (R-20) ----------------------------------


def comment_plan(
    *, case: FastTrackCase, actor: Any, version: PlanVersion, text: str
) -> PlanComment:
    """A party comments on a version of the plan; the caseworker is told."""
    with transaction.atomic():
        case = _lock(case)
        require_transition(case.state, Action.COMMENT_PLAN)
        role = _require_role(
            actor, case, _EMPLOYEE | EMPLOYER_ROLES | JOBCENTRE_ROLES, Action.COMMENT_PLAN
        )
        version = PlanVersion.objects.select_related("plan").get(pk=version.pk)
        if version.plan.case_id != case.pk:
            raise InvalidPlanVersion(version=version.number)
        if not text.strip():
            raise CommentRequired()
        party = comment_party_of(role)
        comment = PlanComment.objects.create(
            version=version, party=party, author=actor, text=text.strip()
        )
        record_event(
            case=case,
            verb=EventVerb.PLAN_COMMENTED,
            actor=actor,
            new={"version": version.number, "party": party, "comment": comment.pk},
            # The employee's comment is theirs, like their answers.
            visible_to_employer=party != "employee",
        )
        case_letters.send(letters.plan_commented(case, comment))
        _finish(case, actor)
    return comment


def send_plan_evaluation_reminders(*, today: date | None = None) -> int:
    """R-20: remind every party of a current plan's evaluation date; how many letters.

    Idempotent: each letter's key names the version and the date, so the outbox
    keeps one per recipient however often the sweep runs. Each case is locked
    while its letters are written, as the other reminders' are: a case another
    sweep holds is left to it, so two sweeps never write the same letter at once.
    """
    today = today or _today()
    sent = 0
    newest = (
        PlanVersion.objects.filter(plan=OuterRef("plan")).order_by("-number").values("number")[:1]
    )
    # Only each plan's newest version counts.
    versions = (
        PlanVersion.objects.filter(plan__case__state=State.ACTIVE, evaluate_on__gte=today)
        .annotate(newest=Subquery(newest))
        .filter(number=F("newest"))
        .select_related("plan__case__absence__person", "plan__case__municipality")
        .order_by("plan_id")
    )
    for version in versions:
        case = version.plan.case
        assert version.evaluate_on is not None
        if (
            plan_evaluation_reminder_day(
                rule_set_by_version(case.rule_set_version), version.evaluate_on
            )
            > today
        ):
            continue
        with transaction.atomic():
            held = FastTrackCase.objects.select_for_update(skip_locked=True).filter(pk=case.pk)
            if held.values_list("pk", flat=True).first() is None:
                continue
            sent += case_letters.send(
                letters.plan_evaluation_soon(case, version, evaluate_on=version.evaluate_on)
            )
    return sent


# --- reminders before a document falls due, and news when it passed (R-24) -------------

# The case states in which the documents are worked on; a closed or withdrawn
# case has no document left to remind of.
DOCUMENT_STATES = tuple(state for state in State if can(state, Action.WORK_ON_DOCUMENT))


def document_reminder_horizon(today: date) -> date:
    """The first due day with no reminder or notice today: a document due before it has
    at most the longest reminder's banking days left (or has passed)."""
    longest = max(
        max(
            rule_set.retention_plan_answer_reminder_banking_days,
            rule_set.opportunity_statement_doctor_reminder_banking_days,
        )
        for rule_set in load_rule_sets()
    )
    return add_banking_days(today, longest + 1)


def _waiting_plan_requests(today: date) -> QuerySet[RetentionPlanRequest]:
    """The § 7 b requests still waiting for the employer that fall due soon or have passed."""
    return RetentionPlanRequest.objects.filter(
        state=RetentionPlanRequestState.REQUESTED,
        case__state__in=DOCUMENT_STATES,
        answer_due_on__lt=document_reminder_horizon(today),
    )


def _statements_at_doctor(today: date) -> QuerySet[OpportunityStatement]:
    """The statements still with the doctor whose part 2 falls due soon or has passed."""
    return OpportunityStatement.objects.filter(
        state=StatementState.AT_DOCTOR,
        case__state__in=DOCUMENT_STATES,
        doctor_due_on__lt=document_reminder_horizon(today),
    )


def cases_with_documents_due(today: date) -> list[int]:
    """The cases with a document waiting for a party that falls due soon or has passed,
    for the sweep: nothing else of a national database is read."""
    ids = {
        *_waiting_plan_requests(today).values_list("case_id", flat=True),
        *_statements_at_doctor(today).values_list("case_id", flat=True),
    }
    return sorted(ids)


def send_document_reminders_of(*, case_ids: Sequence[int], today: date) -> int:
    """R-24: remind the party a document waits for, and once it has passed unanswered
    tell the jobcentre (and, for § 7 b, the employee); how many letters and notices
    were new.

    Each reminder's key names the document and its due day, and each notice's
    too, so a repeated sweep writes nothing and a changed due day reminds again.
    The cases are locked like the deadline reminders' (a case another sweep
    holds is left to it) and the documents read again under the locks.
    """
    with transaction.atomic():
        cases = {
            case.pk: case for case in _lock_for_sweep(case_ids) if case.state in DOCUMENT_STATES
        }
        if not cases:
            return 0
        reminders: list[case_letters.Letter] = []
        # As the deadline reminders: none on the due day itself, which the party
        # still has. Each passed document's notice, with the plan request whose
        # employee is told.
        overdue: list[tuple[notices.News, RetentionPlanRequest | None]] = []
        for plan_request in _waiting_plan_requests(today).filter(case_id__in=list(cases)):
            case = cases[plan_request.case_id]
            if plan_request.answer_due_on < today:
                overdue.append((_plan_request_overdue(case, plan_request), plan_request))
            elif plan_request.answer_due_on > today:
                reminders.extend(_plan_request_reminder(case, plan_request, today))
        for statement in _statements_at_doctor(today).filter(case_id__in=list(cases)):
            case = cases[statement.case_id]
            assert statement.doctor_due_on is not None
            if statement.doctor_due_on < today:
                overdue.append((_statement_overdue(case, statement), None))
            elif statement.doctor_due_on > today:
                reminders.extend(_statement_reminder(case, statement, today))
        told = notices.tell_jobcentre_all([news for news, _request in overdue])
        # The employee's letter goes with the notice, so it too is written once, and
        # is built only when the notice is new.
        reminders.extend(
            letter
            for (news, plan_request), notice in zip(overdue, told, strict=True)
            if notice is not None and plan_request is not None
            for letter in letters.retention_plan_answer_overdue(news.case, plan_request)
        )
        return case_letters.send(reminders) + sum(notice is not None for notice in told)


def _plan_request_reminder(
    case: FastTrackCase, plan_request: RetentionPlanRequest, today: date
) -> list[case_letters.Letter]:
    rule_set = rule_set_by_version(case.rule_set_version)
    due = plan_request.answer_due_on
    # Not on the day the request's own letter went out, nor before the rule's day.
    if today <= plan_request.requested_on or (
        retention_plan_answer_reminder_day(rule_set, due) > today
    ):
        return []
    return letters.retention_plan_answer_soon(
        case,
        plan_request,
        days=banking_days_between(today, due),
        basis=rule_set.basis[DocumentDeadlineKey.RETENTION_PLAN_ANSWER],
    )


def _statement_reminder(
    case: FastTrackCase, statement: OpportunityStatement, today: date
) -> list[case_letters.Letter]:
    assert statement.doctor_due_on is not None and statement.sent_to_doctor_on is not None
    rule_set = rule_set_by_version(case.rule_set_version)
    due = statement.doctor_due_on
    if today <= statement.sent_to_doctor_on or (
        opportunity_statement_doctor_reminder_day(rule_set, due) > today
    ):
        return []
    return letters.statement_doctor_soon(
        case,
        statement,
        days=banking_days_between(today, due),
        basis=rule_set.basis[DocumentDeadlineKey.OPPORTUNITY_STATEMENT_DOCTOR],
    )


def _overdue(
    case: FastTrackCase, key: DocumentDeadlineKey, document_pk: int, due: date
) -> notices.News:
    """The caseworker's notice that a document passed its due day unanswered, once per
    document and due day."""
    return notices.News(
        case,
        NoticeKind.DOCUMENT_OVERDUE,
        key=f"overdue:{key.value}:{document_pk}:{due.isoformat()}",
        context={"document": key.value, "due_on": due},
    )


def _plan_request_overdue(case: FastTrackCase, plan_request: RetentionPlanRequest) -> notices.News:
    """The caseworker follows up with the employer; the employee learns it was told."""
    return _overdue(
        case, DocumentDeadlineKey.RETENTION_PLAN_ANSWER, plan_request.pk, plan_request.answer_due_on
    )


def _statement_overdue(case: FastTrackCase, statement: OpportunityStatement) -> notices.News:
    """The caseworker follows up with the doctor."""
    assert statement.doctor_due_on is not None
    return _overdue(
        case,
        DocumentDeadlineKey.OPPORTUNITY_STATEMENT_DOCTOR,
        statement.pk,
        statement.doctor_due_on,
    )
