"""Read helpers for pages and the API; they never change anything.

They take a case the caller already fetched with ``access.get_case_for`` and
the role it returned, and they leave out what that role may not see.
"""

from __future__ import annotations

from django.db.models import QuerySet

from fasttrack.cases.models import Answers, CaseDeadline, FastTrackCase, JournalNote, Party
from fasttrack.meetings.models import Meeting
from fasttrack.people.models import EMPLOYER_ROLES, Role
from fasttrack.plans.models import PlanVersion


def deadlines_for(case: FastTrackCase) -> QuerySet[CaseDeadline]:
    """The case's deadlines, earliest first; the ones that no longer apply last."""
    return CaseDeadline.objects.filter(case=case).order_by("due_on", "id")


def answers_visible_to(role: Role | str, case: FastTrackCase) -> dict[str, Answers | None]:
    """Both parties' answers, but the employee's are never the employer's to see (R-09)."""
    answers: dict[str, Answers | None] = {party.value: None for party in Party}
    for given in Answers.objects.filter(case=case):
        answers[given.party] = given
    if Role(role) in EMPLOYER_ROLES:
        answers[Party.EMPLOYEE.value] = None
    return answers


def meetings_for(case: FastTrackCase) -> QuerySet[Meeting]:
    return Meeting.objects.filter(case=case).prefetch_related("participants")


def current_plan_version(case: FastTrackCase) -> PlanVersion | None:
    return PlanVersion.objects.filter(plan__case=case).order_by("-number").first()


def journal_notes_for(role: Role | str, case: FastTrackCase) -> QuerySet[JournalNote]:
    """Journal notes are the jobcentre's record; the employer sees none."""
    if Role(role) in EMPLOYER_ROLES:
        return JournalNote.objects.none()
    return JournalNote.objects.filter(case=case).select_related("author")
