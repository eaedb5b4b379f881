"""Every change to a related document, one named action each (R-24, R-20).

Built on the case's shared steps (``cases.actions``): each action locks the
case row, checks the case's state table and the document's own, checks the
actor's role, records the history and enqueues its letters in the same
transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from fasttrack.audit.history import record_event
from fasttrack.audit.verbs import EventVerb
from fasttrack.cases import letters as case_letters
from fasttrack.cases.actions import _finish, _lock, _require_role, _today
from fasttrack.cases.errors import InvalidPlanVersion, NotPermitted
from fasttrack.cases.guards import require
from fasttrack.cases.models import FastTrackCase
from fasttrack.cases.states import Action, State, require_transition
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
    StatementParty,
    StatementState,
)
from fasttrack.documents.states import DocumentAction, require_plan_request, require_statement
from fasttrack.lib.rules import rule_set_by_version
from fasttrack.lib.rules.documents import (
    opportunity_statement_doctor,
    plan_evaluation_reminder_day,
    retention_plan_answer,
)
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
    keeps one per recipient however often the sweep runs.
    """
    today = today or _today()
    sent = 0
    versions = (
        PlanVersion.objects.filter(plan__case__state=State.ACTIVE, evaluate_on__gte=today)
        .select_related("plan__case__absence__person", "plan__case__municipality")
        .order_by("plan_id", "-number")
    )
    seen: set[int] = set()
    for version in versions:
        case = version.plan.case
        # Only the newest version counts; the versions come newest first per plan.
        current = version.plan.versions.order_by("-number").values_list("pk", flat=True).first()
        if version.pk != current or version.plan_id in seen:
            continue
        seen.add(version.plan_id)
        assert version.evaluate_on is not None
        if (
            plan_evaluation_reminder_day(
                rule_set_by_version(case.rule_set_version), version.evaluate_on
            )
            > today
        ):
            continue
        with transaction.atomic():
            sent += case_letters.send(
                letters.plan_evaluation_soon(case, version, evaluate_on=version.evaluate_on)
            )
    return sent
