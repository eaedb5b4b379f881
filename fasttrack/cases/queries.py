"""Read helpers for pages and the API; they never change anything.

They take a case the caller already fetched with ``access.get_case_for`` and
the role it returned, and they leave out what that role may not see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from fasttrack.cases.access import cases_for
from fasttrack.cases.clock import INFORMATIONAL_KEYS
from fasttrack.cases.models import (
    Answers,
    CaseDeadline,
    DeadlineStatus,
    EmployerConversation,
    FastTrackCase,
    JournalNote,
    Party,
    work_left,
)
from fasttrack.cases.notices import has_news
from fasttrack.lib.rules import add_banking_days, employee_consent, rule_set_by_version
from fasttrack.lib.rules.keys import DeadlineKey
from fasttrack.meetings.models import Meeting
from fasttrack.people.models import EMPLOYER_ROLES, Role, membership_of
from fasttrack.plans.models import PlanVersion


def deadlines_for(case: FastTrackCase) -> QuerySet[CaseDeadline]:
    """The case's deadlines, earliest first; the ones without a date last."""
    return CaseDeadline.objects.filter(case=case).order_by(F("due_on").asc(nulls_last=True), "id")


def in_deadline_order(rows: list[CaseDeadline]) -> list[CaseDeadline]:
    """``rows`` in the order of ``deadlines_for``, for rows the caller has in hand."""
    return sorted(rows, key=lambda d: (d.due_on is None, d.due_on, d.pk))


def employer_view_of_deadlines(
    case: FastTrackCase, deadlines: list[CaseDeadline]
) -> list[CaseDeadline]:
    """The deadlines as the employer side sees them (R-36).

    While a caseworker confirms who the employee is, the consent letter waits
    and the case has no consent deadline yet. The employer must not tell that
    case from one whose letter went out, so it is shown the deadline the
    letter would have had if sent on the request date.
    """
    if case.identity_confirmed or case.requested_by != "employer":
        return deadlines
    if any(d.key == DeadlineKey.EMPLOYEE_CONSENT for d in deadlines):
        return deadlines
    rule_set = rule_set_by_version(case.rule_set_version)
    shown = employee_consent(rule_set, case.requested_on)
    stand_in = CaseDeadline(
        case=case,
        key=shown.key,
        due_on=shown.due,
        basis=shown.basis,
        rule_id=shown.rule_id,
        legal=shown.legal,
        counts_from=shown.counts_from,
        status=DeadlineStatus.PENDING,
    )
    return sorted([*deadlines, stand_in], key=lambda d: (d.due_on or date.max, d.pk or 0))


def answers_visible_to(
    role: Role | str, case: FastTrackCase, rows: list[Answers] | None = None
) -> dict[str, Answers | None]:
    """Both parties' answers, but the employee's are never the employer's to see (R-09).

    ``rows``: all the case's answers when the caller has them in hand."""
    answers: dict[str, Answers | None] = {party.value: None for party in Party}
    for given in Answers.objects.filter(case=case) if rows is None else rows:
        answers[given.party] = given
    if Role(role) in EMPLOYER_ROLES:
        answers[Party.EMPLOYEE.value] = None
    return answers


def meetings_for(case: FastTrackCase) -> QuerySet[Meeting]:
    return Meeting.objects.filter(case=case).prefetch_related("participants")


def current_plan_version(case: FastTrackCase) -> PlanVersion | None:
    return PlanVersion.objects.filter(plan__case=case).order_by("-number").first()


def current_plan_versions(cases: list[FastTrackCase]) -> dict[int, PlanVersion]:
    """``current_plan_version`` of each case that has a plan, in one query."""
    current: dict[int, PlanVersion] = {}
    versions = PlanVersion.objects.filter(plan__case__in=cases).select_related("plan")
    for version in versions.order_by("plan__case_id", "-number"):
        current.setdefault(version.plan.case_id, version)
    return current


def journal_notes_for(role: Role | str, case: FastTrackCase) -> QuerySet[JournalNote]:
    """Journal notes are the jobcentre's record; the employer sees none."""
    if Role(role) in EMPLOYER_ROLES:
        return JournalNote.objects.none()
    return JournalNote.objects.filter(case=case).select_related("author")


def sees_employer_conversation(role: Role | str) -> bool:
    return Role(role) in EMPLOYER_ROLES | {Role.EMPLOYEE}


def employer_conversation_for(role: Role | str, case: FastTrackCase) -> EmployerConversation | None:
    """The employer's own conversation (R-23): its day and note are the employer's and the
    employee's; the jobcentre sees that it was held from the deadline alone."""
    if not sees_employer_conversation(role):
        return None
    return EmployerConversation.objects.filter(case=case).select_related("recorded_by").first()


# --- the jobcentre's work: one source for the worklist and the manager's figures --------


class Assignee:
    """Whose cases a worklist view shows: the ``assignee`` parameter of its address."""

    MINE = "mine"
    QUEUE = "queue"
    ALL = "all"


class WorkFilter(models.TextChoices):
    """The ``filter`` parameter of a worklist address."""

    # Translators: worklist filter, Danish "Overskredne".
    OVERDUE = "overdue", _("Overdue")
    # Translators: worklist filter, Danish "Frist inden for 2 bankdage".
    SOON = "soon", _("Due within 2 banking days")
    # Translators: worklist filter, Danish "Nyt".
    NEW = "new", _("New")


# A ``deadline`` parameter for the cases without any pending deadline.
NO_DEADLINE = "none"
# Within this many banking days a deadline counts as "due soon".
SOON_BANKING_DAYS = 2


def overdue(today: date) -> Exists:
    """A milestone past its date and not reached: pending past due (the sweep has not
    run yet) or missed and still not done. The employer's own conversation is not
    the jobcentre's to keep (R-23)."""
    late = CaseDeadline.objects.filter(case=OuterRef("pk")).exclude(key__in=INFORMATIONAL_KEYS)
    return Exists(
        late.filter(
            Q(status=DeadlineStatus.PENDING, due_on__lt=today)
            | Q(status=DeadlineStatus.MISSED, met_on__isnull=True)
        )
    )


def work_cases(user: Any, today: date) -> QuerySet[FastTrackCase]:
    """The municipality's cases with work left, most urgent first.

    Open cases, and declined ones while the normal track's first conversation
    is still pending (R-13): the jobcentre holds that one too. Each case says
    whether it is overdue and whether it has news its caseworker has not seen.
    """
    return (
        work_scope(user)
        .select_related("absence__person", "absence__employer", "caseworker")
        .annotate(is_overdue=overdue(today), has_news=has_news())
    )


def work_scope(user: Any) -> QuerySet[FastTrackCase]:
    """The municipality's cases with work left (``work_cases``), without the
    annotations: for counting them."""
    return cases_for(user).filter(work_left())


def all_cases(user: Any, today: date) -> QuerySet[FastTrackCase]:
    """All the municipality's cases, finished ones too, annotated as ``work_cases``:
    the worklist shows these when it lists the cases behind a statistic."""
    return (
        cases_for(user)
        .select_related("absence__person", "absence__employer", "caseworker")
        .annotate(is_overdue=overdue(today), has_news=has_news())
    )


@dataclass(frozen=True)
class WorkView:
    """One view of the worklist, as its address says it: ``?assignee=queue&filter=overdue``.

    ``figure`` with ``start`` and ``end`` narrows it to the cases behind one
    statistic (``fasttrack.reports.figures``), finished cases included.
    """

    assignee: str = Assignee.ALL
    filter: str = ""
    state: str = ""
    deadline: str = ""
    figure: str = ""
    start: str = ""
    end: str = ""

    def query_string(self) -> str:
        params = {name: value for name, value in vars(self).items() if value}
        return urlencode(params)


def apply_view(
    cases: QuerySet[FastTrackCase], view: WorkView, *, user: Any, today: date
) -> QuerySet[FastTrackCase]:
    """``cases`` (from ``work_cases``) narrowed to ``view``: the worklist shows these
    and the manager's overview counts them, so the two can never disagree."""
    return cases.filter(view_condition(view, user=user, today=today))


def view_condition(view: WorkView, *, user: Any, today: date) -> Q:
    """The condition ``apply_view`` narrows to, for a filter or a count's FILTER."""
    condition = Q()
    if view.assignee == Assignee.MINE:
        condition &= Q(caseworker=user)
    elif view.assignee == Assignee.QUEUE:
        condition &= Q(caseworker__isnull=True)
    elif view.assignee.isdigit():
        condition &= Q(caseworker_id=int(view.assignee))
    if view.state:
        condition &= Q(state=view.state)
    if view.deadline == NO_DEADLINE:
        condition &= Q(next_deadline_on__isnull=True)
    elif view.deadline:
        condition &= Q(next_deadline_key=view.deadline)
    if view.filter == WorkFilter.OVERDUE:
        condition &= Q(overdue(today))
    elif view.filter == WorkFilter.SOON:
        condition &= ~Q(overdue(today)) & Q(
            next_deadline_on__gte=today,
            next_deadline_on__lte=add_banking_days(today, SOON_BANKING_DAYS),
        )
    elif view.filter == WorkFilter.NEW:
        condition &= Q(has_news())
    return condition


@dataclass(frozen=True)
class Figure:
    """A count on the manager's overview and the worklist view it counts."""

    label: str
    count: int
    view: WorkView
    key: str = ""


def count_views(user: Any, views: Sequence[WorkView], today: date) -> list[int]:
    """How many cases each of ``views`` shows, all in one statement (``COUNT … FILTER``):
    the worklist's tabs and the manager's figures each cost one query, not one each."""
    if not views:
        return []
    counts = work_scope(user).aggregate(
        **{
            # COUNT(1), not of a column: the partial index answers it alone.
            f"view_{number}": Count(Value(1), filter=view_condition(view, user=user, today=today))
            for number, view in enumerate(views)
        }
    )
    return [counts[f"view_{number}"] for number in range(len(views))]


def work_figures(user: Any, today: date) -> list[Figure]:
    """The jobcentre's figures, each with the worklist view that shows its cases."""
    views = [
        ("all", _("Cases with work left"), WorkView()),
        ("queue", _("In the queue, not yet taken"), WorkView(assignee=Assignee.QUEUE)),
        ("overdue", _("Overdue"), WorkView(filter=WorkFilter.OVERDUE)),
        ("soon", _("Due within 2 banking days"), WorkView(filter=WorkFilter.SOON)),
        ("new", _("New, not yet seen by the caseworker"), WorkView(filter=WorkFilter.NEW)),
    ]
    counts = count_views(user, [view for _key, _label, view in views], today)
    return [
        Figure(str(label), count, view, key)
        for (key, label, view), count in zip(views, counts, strict=True)
    ]


@dataclass(frozen=True)
class CaseworkerLoad:
    caseworker: Any
    cases: Figure
    overdue: Figure


def caseworker_loads(user: Any, today: date) -> list[CaseworkerLoad]:
    """Each caseworker of the user's municipality: their cases and the overdue ones."""
    caseworkers = list(caseworkers_of(user))
    views = [
        view
        for caseworker in caseworkers
        for view in (
            WorkView(assignee=str(caseworker.pk)),
            WorkView(assignee=str(caseworker.pk), filter=WorkFilter.OVERDUE),
        )
    ]
    counts = count_views(user, views, today)
    return [
        CaseworkerLoad(
            caseworker,
            Figure(str(_("Cases")), counts[2 * number], views[2 * number]),
            Figure(str(_("Overdue")), counts[2 * number + 1], views[2 * number + 1]),
        )
        for number, caseworker in enumerate(caseworkers)
    ]


def caseworkers_of(user: Any) -> QuerySet[Any]:
    """The active caseworkers of the user's municipality, by name."""
    membership = membership_of(user)
    if membership is None or membership.municipality_id is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            membership__role=Role.CASEWORKER,
            membership__municipality_id=membership.municipality_id,
        )
        .order_by("first_name", "last_name", "username")
    )
