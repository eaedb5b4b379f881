"""What each party sees of the related documents (DESIGN.md §5.11, R-18, R-28).

One function per kind of document, called by the case page, the PDFs and the
dossier alike; no face filters on its own.

- The § 7 b plan is the employer's and the employee's: both see it whole. The
  jobcentre sees that it was asked for and answered, and reads the plan itself
  once the employee brings it to the first conversation. The doctor sees none.
- The mulighedserklæring holds no diagnosis (R-18), so the employer, the
  employee and the jobcentre see it whole; the doctor sees those sent to the
  clinic.
- Comments on the plan: the employee's are not shown to the employer side,
  like the employee's own answers (R-09).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from fasttrack.cases.models import FastTrackCase
from fasttrack.documents.models import OpportunityStatement, RetentionPlanRequest
from fasttrack.people.models import EMPLOYER_ROLES, JOBCENTRE_ROLES, Role, membership_of
from fasttrack.plans.models import PlanComment, PlanVersion


def plan_requests_for(role: Role | None, case: FastTrackCase) -> list[RetentionPlanRequest]:
    if role is None or role == Role.DOCTOR:
        return []
    return list(RetentionPlanRequest.objects.filter(case=case).order_by("requested_on", "pk"))


def plan_request_content_visible(role: Role | None, plan_request: RetentionPlanRequest) -> bool:
    """Whether ``role`` reads the plan's text and the refusal's reason, not only its state."""
    if role in EMPLOYER_ROLES or role == Role.EMPLOYEE:
        return True
    return role in JOBCENTRE_ROLES and plan_request.bring_to_conversation


def statements_for(role: Role | None, case: FastTrackCase, user: Any) -> list[OpportunityStatement]:
    if role is None:
        return []
    statements: QuerySet[OpportunityStatement] = OpportunityStatement.objects.filter(case=case)
    if role == Role.DOCTOR:
        membership = membership_of(user)
        clinic_id = membership.clinic_id if membership else None
        if clinic_id is None:
            return []
        statements = statements.filter(clinic_id=clinic_id, sent_to_doctor_on__isnull=False)
    return list(statements.order_by("started_on", "pk"))


def comment_party_of(role: Role) -> str:
    if role in EMPLOYER_ROLES:
        return "employer"
    if role == Role.EMPLOYEE:
        return "employee"
    return "jobcentre"


def plan_comments_for(role: Role | None, version: PlanVersion) -> list[PlanComment]:
    if role is None or role == Role.DOCTOR:
        return []
    comments = PlanComment.objects.filter(version=version).select_related("author")
    if role in EMPLOYER_ROLES:
        comments = comments.exclude(party="employee")
    return list(comments.order_by("created_at", "pk"))
