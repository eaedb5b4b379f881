"""The statistics of Fast track, counted in SQL: one grouped query per figure group.

Every figure is defined once here, as a filter, and used twice: to count (the
grouped queries) and to list the cases behind a count (``cases_behind``, which
the worklist calls), so a figure and the list it links to can never disagree.

What a period means for each group:

- requests: the request date lies in the period;
- milestones (consent R-11, certificate R-16, first conversation R-19,
  retention meeting R-21) and consent: the milestone's deadline falls due in
  the period. A deadline that no longer applies (a withdrawn case, a
  declined case's retention meeting) is not counted; the first conversation
  counts only Fast track cases (a declined case's first conversation is due
  on the normal track, R-13);
- outcomes: the case was closed in the period. The closing day is the day of
  the return to work for the outcomes "back full time" and "back part time".

The scope is a queryset of cases: the municipality's for the jobcentre
(``cases.access.cases_for``), the employer's own requests, or every case for
the administrator, who sees them per municipality only.

The counts are ``COUNT(*)``, not of the primary key: each grouped query then
reads only columns that its index holds (``cases.models``), and PostgreSQL
answers it from the index alone.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fasttrack.cases.models import CaseDeadline, DeadlineStatus, FastTrackCase, Outcome, Requester
from fasttrack.cases.states import State
from fasttrack.lib.rules.keys import DeadlineKey
from fasttrack.reports.periods import Period

# The milestones the jobcentre keeps, in the order of the case, with their rule.
MILESTONES: list[tuple[str, str]] = [
    (DeadlineKey.EMPLOYEE_CONSENT.value, "R-11"),
    (DeadlineKey.MEDICAL_CERTIFICATE.value, "R-16"),
    (DeadlineKey.FIRST_FOLLOWUP_CONVERSATION.value, "R-19"),
    (DeadlineKey.RETENTION_MEETING.value, "R-21"),
]
MILESTONE_KEYS = [key for key, _rule in MILESTONES]


class Kept:
    """How a milestone due in the period went."""

    IN_TIME = "in_time"
    LATE = "late"
    NOT_REACHED = "not_reached"
    PENDING = "pending"


KEPT_ORDER = [Kept.IN_TIME, Kept.LATE, Kept.NOT_REACHED, Kept.PENDING]
KEPT_LABELS = {
    # Translators: a milestone reached by its deadline, Danish "Overholdt".
    Kept.IN_TIME: _("In time"),
    # Translators: Danish "For sent".
    Kept.LATE: _("Late"),
    # Translators: past the deadline and not reached yet, Danish "Ikke nået".
    Kept.NOT_REACHED: _("Not reached"),
    # Translators: the deadline has not yet come, Danish "Endnu ikke forfalden".
    Kept.PENDING: _("Not yet due"),
}


def _kept_filters(today: date) -> dict[str, Q]:
    """On ``CaseDeadline``: which rows are in each class. A late milestone keeps the
    status "missed" with the day it was reached (``cases.clock``); one still pending
    past its day is not reached, also before the sweep has marked it missed."""
    return {
        Kept.IN_TIME: Q(status=DeadlineStatus.MET),
        Kept.LATE: Q(status=DeadlineStatus.MISSED, met_on__isnull=False),
        Kept.NOT_REACHED: Q(status=DeadlineStatus.MISSED, met_on__isnull=True)
        | Q(status=DeadlineStatus.PENDING, due_on__lt=today),
        Kept.PENDING: Q(status=DeadlineStatus.PENDING, due_on__gte=today),
    }


# How late the late first conversations were, in days after the deadline.
LATENESS_BUCKETS: list[tuple[str, int, int | None]] = [
    ("late_1_3", 1, 3),
    ("late_4_7", 4, 7),
    ("late_8_14", 8, 14),
    ("late_15", 15, None),
]
# Days from the request to the doctor to the certificate.
CERTIFICATE_BUCKETS: list[tuple[str, int, int | None]] = [
    ("days_0_7", 0, 7),
    ("days_8_10", 8, 10),
    ("days_11_14", 11, 14),
    ("days_15_21", 15, 21),
    ("days_22", 22, None),
]
BUCKET_LABELS = {
    "late_1_3": _("1–3 days late"),
    "late_4_7": _("4–7 days late"),
    "late_8_14": _("8–14 days late"),
    "late_15": _("More than 14 days late"),
    "days_0_7": _("0–7 days"),
    "days_8_10": _("8–10 days"),
    "days_11_14": _("11–14 days"),
    "days_15_21": _("15–21 days"),
    "days_22": _("22 days or more"),
}

REQUESTERS = [Requester.EMPLOYER.value, Requester.EMPLOYEE.value, Requester.CASEWORKER.value]
OUTCOMES = [
    Outcome.BACK_FULL_TIME.value,
    Outcome.BACK_PART_TIME.value,
    Outcome.OTHER_JOB.value,
    Outcome.NORMAL_TRACK.value,
    Outcome.OTHER.value,
]
# The outcomes that are a return to work, and which return each is.
RETURN_OUTCOMES = [Outcome.BACK_PART_TIME.value, Outcome.BACK_FULL_TIME.value]


class Answer:
    ACCEPTED = "accepted"
    DECLINED = "declined"
    UNANSWERED = "unanswered"


ANSWERS = [Answer.ACCEPTED, Answer.DECLINED, Answer.UNANSWERED]
ANSWER_LABELS = {
    # Translators: the employee accepted Fast track, Danish "Sagt ja".
    Answer.ACCEPTED: pgettext_lazy("consent answer", "Accepted"),
    # Translators: Danish "Sagt nej".
    Answer.DECLINED: pgettext_lazy("consent answer", "Declined"),
    # Translators: no consent form returned, Danish "Ikke svaret".
    Answer.UNANSWERED: _("No answer"),
}

# The key of a municipality-wide total when figures are not split.
ALL = 0


@dataclass
class Tally:
    """A count of cases. (Where the employees behind a figure decide its suppression,
    the employer's view counts them for that figure: ``employees_behind``.)"""

    cases: int = 0

    def add(self, cases: int) -> None:
        self.cases += cases


def _days(duration: timedelta | None) -> int | None:
    return None if duration is None else duration.days


def _group(by_municipality: bool, *fields: str) -> list[str]:
    return [*(["municipality"] if by_municipality else []), *fields]


def _split(row: dict[str, Any], by_municipality: bool) -> int:
    return int(row["municipality"]) if by_municipality else ALL


def _scope_ids(scope: QuerySet[FastTrackCase]) -> Any:
    return scope.order_by().values("pk")


# --- requests --------------------------------------------------------------------------


@dataclass
class RequestFigures:
    # (Monday of the week, requester) -> tally
    by_week: dict[tuple[date, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_requester: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    total: Tally = field(default_factory=Tally)


def request_figures(
    scope: QuerySet[FastTrackCase],
    period: Period,
    *,
    by_municipality: bool = False,
    detailed: bool = True,
) -> dict[int, RequestFigures]:
    """Requests made in the period, per week and by who requested (one query).
    Not ``detailed``: by who requested only, without the weeks."""
    rows = scope.order_by().filter(requested_on__range=(period.start, period.end))
    if detailed:
        rows = rows.annotate(week=TruncWeek("requested_on"))
    rows = rows.values(
        *_group(by_municipality, *(["week"] if detailed else []), "requested_by")
    ).annotate(cases=Count("*"))
    result: dict[int, RequestFigures] = defaultdict(RequestFigures)
    for row in rows:
        figures = result[_split(row, by_municipality)]
        if detailed:
            week = row["week"]
            week = week.date() if hasattr(week, "date") else week
            figures.by_week[(week, row["requested_by"])].add(row["cases"])
        figures.by_requester[row["requested_by"]].add(row["cases"])
        figures.total.add(row["cases"])
    return result


# --- milestones ------------------------------------------------------------------------


def _due_in(
    period: Period, keys: Iterable[str], declined: QuerySet[FastTrackCase] | None = None
) -> Q:
    """Deadline rows of ``keys`` due in the period that still apply.

    ``declined``: the scope's declined cases, for a count over many cases. PostgreSQL
    then hashes the few declined cases from their index instead of joining every
    deadline row to its case. Without it the row's case is read, which is cheaper for
    one case at a time (the cases behind a figure)."""
    is_declined = (
        Q(case__state=State.DECLINED) if declined is None else Q(case__in=declined.values("pk"))
    )
    fast_track_only = Q(key=DeadlineKey.FIRST_FOLLOWUP_CONVERSATION) & is_declined
    return (
        Q(key__in=list(keys), due_on__range=(period.start, period.end))
        & ~Q(status=DeadlineStatus.NOT_APPLICABLE)
        & ~fast_track_only
    )


def _kept_class(today: date) -> Case:
    return Case(
        *(When(condition, then=Value(kept)) for kept, condition in _kept_filters(today).items()),
        output_field=CharField(),
    )


@dataclass
class MilestoneFigures:
    kept: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    due: Tally = field(default_factory=Tally)
    # Days after the deadline the late ones were reached: days -> cases.
    days_late: Counter[int] = field(default_factory=Counter)
    # Days from the start of the count to the milestone, for those reached.
    days_taken: Counter[int] = field(default_factory=Counter)
    # For the consent: the employees' answers (R-11).
    answers: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))


def consent_answer() -> Case:
    """The employee's answer, on a consent deadline row; "" on every other row.

    The consent is joined to the deadline row directly (``CaseDeadline.consent``), not
    through the case, which the count otherwise does not read."""
    consent = Q(key=DeadlineKey.EMPLOYEE_CONSENT)
    return Case(
        When(consent & Q(consent__accepted=True), then=Value(Answer.ACCEPTED)),
        When(consent & Q(consent__accepted=False), then=Value(Answer.DECLINED)),
        When(consent, then=Value(Answer.UNANSWERED)),
        default=Value(""),
        output_field=CharField(),
    )


def milestone_figures(
    scope: QuerySet[FastTrackCase],
    period: Period,
    today: date,
    *,
    municipality: int | None = None,
    by_municipality: bool = False,
    detailed: bool = True,
) -> dict[int, dict[str, MilestoneFigures]]:
    """Each milestone due in the period: kept in time, late, not reached, not yet due;
    the days it took and how late; and the answers to the consent letters.

    One query over the deadline rows the clock keeps, grouped by milestone, class,
    answer and day spans; the rest is summed here. Not ``detailed``: without the
    day spans, which multiply the groups many times over.

    ``municipality``: ``scope`` is that municipality's cases (the jobcentre's), whose
    deadlines are read by the municipality they carry, from their own index.
    """
    if municipality is not None or not scope.query.where:
        # A municipality's or every municipality's deadlines, read without their cases.
        declined = scope.order_by().filter(state=State.DECLINED)
        deadlines = CaseDeadline.objects.filter(_due_in(period, MILESTONE_KEYS, declined))
        if municipality is not None:
            deadlines = deadlines.filter(municipality=municipality)
    else:
        # A few cases (an employer's): PostgreSQL starts from them and their deadlines.
        deadlines = CaseDeadline.objects.filter(
            _due_in(period, MILESTONE_KEYS), case__in=_scope_ids(scope)
        )
    group = ["municipality"] if by_municipality else []
    spans = (
        {
            "late": ExpressionWrapper(F("met_on") - F("due_on"), output_field=DurationField()),
            "taken": ExpressionWrapper(
                F("met_on") - F("counts_from"), output_field=DurationField()
            ),
        }
        if detailed
        else {}
    )
    rows = (
        deadlines.annotate(kept=_kept_class(today), answer=consent_answer(), **spans)
        .values(*group, "key", "kept", "answer", *spans)
        .annotate(cases=Count("*"))
    )
    result: dict[int, dict[str, MilestoneFigures]] = defaultdict(
        lambda: defaultdict(MilestoneFigures)
    )
    for row in rows:
        where = int(row["municipality"]) if by_municipality else ALL
        figures = result[where][row["key"]]
        figures.kept[row["kept"]].add(row["cases"])
        figures.due.add(row["cases"])
        if row["answer"]:
            figures.answers[row["answer"]].add(row["cases"])
        late, taken = _days(row.get("late")), _days(row.get("taken"))
        if late is not None and late > 0:
            figures.days_late[late] += row["cases"]
        if taken is not None:
            figures.days_taken[taken] += row["cases"]
    return result


def consent_answers(
    milestones: dict[int, dict[str, MilestoneFigures]],
) -> dict[int, dict[str, Tally]]:
    """The answers to the consent letters whose deadline fell in the period (R-11)."""
    return {
        where: (by_key.get(DeadlineKey.EMPLOYEE_CONSENT) or MilestoneFigures()).answers
        for where, by_key in milestones.items()
    }


def _consent_due_in(period: Period) -> Exists:
    return Exists(
        CaseDeadline.objects.filter(
            _due_in(period, [DeadlineKey.EMPLOYEE_CONSENT]), case=OuterRef("pk")
        )
    )


# --- outcomes --------------------------------------------------------------------------


@dataclass
class OutcomeFigures:
    by_outcome: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    total: Tally = field(default_factory=Tally)
    # Outcome -> (days from the first absence day to the return -> cases).
    days_to_return: dict[str, Counter[int]] = field(
        default_factory=lambda: defaultdict(Counter[int])
    )


def _closed_in(period: Period) -> Q:
    return Q(state=State.CLOSED, closed_on__range=(period.start, period.end))


def outcome_figures(
    scope: QuerySet[FastTrackCase],
    period: Period,
    *,
    by_municipality: bool = False,
    detailed: bool = True,
) -> dict[int, OutcomeFigures]:
    """Cases closed in the period by outcome, and the time to the return (one query).
    Not ``detailed``: by outcome only, without reading the absences."""
    rows = scope.order_by().filter(_closed_in(period))
    if detailed:
        rows = rows.annotate(
            span=ExpressionWrapper(
                F("closed_on") - F("absence__first_absence_day"), output_field=DurationField()
            )
        )
    rows = rows.values(
        *_group(by_municipality, "outcome", *(["span"] if detailed else []))
    ).annotate(cases=Count("*"))
    result: dict[int, OutcomeFigures] = defaultdict(OutcomeFigures)
    for row in rows:
        figures = result[_split(row, by_municipality)]
        figures.by_outcome[row["outcome"]].add(row["cases"])
        figures.total.add(row["cases"])
        if row["outcome"] in RETURN_OUTCOMES and (days := _days(row.get("span"))) is not None:
            figures.days_to_return[row["outcome"]][days] += row["cases"]
    return result


# --- the employer's view: people behind its figures -------------------------------------


def employees_behind(
    scope: QuerySet[FastTrackCase], figures: Iterable[str], period: Period, today: date
) -> dict[str, int]:
    """How many distinct employees the cases behind each of ``figures`` are about,
    all in one query: each figure's filter counts its own column."""
    wanted = list(dict.fromkeys(figures))
    if not wanted:
        return {}
    counts = scope.order_by().aggregate(
        **{
            f"figure_{number}": Count(
                "absence__person", distinct=True, filter=figure_filter(figure, period, today)
            )
            for number, figure in enumerate(wanted)
        }
    )
    return {figure: int(counts[f"figure_{number}"]) for number, figure in enumerate(wanted)}


# --- percentiles -----------------------------------------------------------------------


def count_of(distribution: Counter[int]) -> int:
    return sum(distribution.values())


def percentile(distribution: Counter[int], share: float) -> int | None:
    """The nearest-rank percentile: the smallest value with at least ``share`` of the
    cases at or below it; None for no cases."""
    total = count_of(distribution)
    if total == 0:
        return None
    rank = max(1, math.ceil(share * total))
    seen = 0
    for value in sorted(distribution):
        seen += distribution[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable")


def median(distribution: Counter[int]) -> float | None:
    """The middle value; the mean of the two middle values for an even count."""
    total = count_of(distribution)
    if total == 0:
        return None
    values = sorted(distribution.elements())
    middle = total // 2
    if total % 2:
        return float(values[middle])
    return (values[middle - 1] + values[middle]) / 2


def in_bucket(value: int, low: int, high: int | None) -> bool:
    return value >= low and (high is None or value <= high)


def bucket_counts(
    distribution: Counter[int], buckets: list[tuple[str, int, int | None]]
) -> dict[str, int]:
    return {
        key: sum(n for value, n in distribution.items() if in_bucket(value, low, high))
        for key, low, high in buckets
    }


# --- the cases behind a figure ----------------------------------------------------------


class UnknownFigure(ValueError):
    pass


def _milestone_filter(key: str, period: Period, part: str, today: date) -> Q:
    rows = CaseDeadline.objects.filter(_due_in(period, [key]), case=OuterRef("pk"))
    kept = _kept_filters(today)
    if part in kept:
        rows = rows.filter(kept[part])
    elif part == "reached":
        rows = rows.filter(met_on__isnull=False)
    elif part != "due":
        buckets = {
            **{k: (lo, hi) for k, lo, hi in LATENESS_BUCKETS},
            **{k: (lo, hi) for k, lo, hi in CERTIFICATE_BUCKETS},
        }
        if part not in buckets:
            raise UnknownFigure(part)
        low, high = buckets[part]
        start = "due_on" if part.startswith("late_") else "counts_from"
        rows = rows.filter(met_on__isnull=False).annotate(
            span=ExpressionWrapper(F("met_on") - F(start), output_field=DurationField())
        )
        rows = rows.filter(span__gte=timedelta(days=low))
        if high is not None:
            rows = rows.filter(span__lte=timedelta(days=high))
        if part.startswith("late_"):
            rows = rows.filter(status=DeadlineStatus.MISSED)
    return Q(Exists(rows))


def figure_filter(figure: str, period: Period, today: date) -> Q:
    """The cases behind ``figure`` (``group:part``) in ``period``, as a filter on cases."""
    group, _sep, part = figure.partition(":")
    if group == "requests":
        condition = Q(requested_on__range=(period.start, period.end))
        if part:
            if part not in REQUESTERS:
                raise UnknownFigure(figure)
            condition &= Q(requested_by=part)
        return condition
    if group == "consent":
        if part and part not in ANSWERS:
            raise UnknownFigure(figure)
        condition = Q(_consent_due_in(period))
        if part == Answer.ACCEPTED:
            condition &= Q(consent__accepted=True)
        elif part == Answer.DECLINED:
            condition &= Q(consent__accepted=False)
        elif part == Answer.UNANSWERED:
            condition &= Q(consent__isnull=True)
        return condition
    if group == "outcome":
        condition = _closed_in(period)
        if part:
            if part not in OUTCOMES:
                raise UnknownFigure(figure)
            condition &= Q(outcome=part)
        return condition
    if group in MILESTONE_KEYS:
        return _milestone_filter(group, period, part or "due", today)
    raise UnknownFigure(figure)


def cases_behind(
    cases: QuerySet[FastTrackCase], figure: str, period: Period, today: date
) -> QuerySet[FastTrackCase]:
    """``cases`` narrowed to those a figure counts; ``UnknownFigure`` for a key we do not know."""
    return cases.filter(figure_filter(figure, period, today))


def figure_name(figure: str) -> str:
    """What a figure counts, in words: "Første opfølgningssamtale: For sent"."""
    from fasttrack.cases.models import DEADLINE_KEY_CHOICES

    group, _sep, part = figure.partition(":")
    names: dict[str, Any] = {
        "requests": _("Requests"),
        "consent": _("Consent letters due"),
        "outcome": _("Cases closed"),
        **dict(DEADLINE_KEY_CHOICES),
    }
    parts: dict[str, Any] = {
        **{r.value: r.label for r in Requester},
        **{o.value: o.label for o in Outcome},
        **ANSWER_LABELS,
        **KEPT_LABELS,
        **BUCKET_LABELS,
        "due": _("Due in the period"),
        "reached": _("Reached"),
    }
    name = str(names.get(group, group))
    return f"{name}: {parts[part]}" if part in parts else name


def is_figure(figure: str) -> bool:
    try:
        day = date(2000, 1, 1)
        figure_filter(figure, Period(day, day), day)
    except UnknownFigure:
        return False
    return True
