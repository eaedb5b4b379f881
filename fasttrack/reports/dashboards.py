"""The three statistics pages as tables: the jobcentre's, the administrator's
(per municipality, suppressed) and the employer's (suppressed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fasttrack.cases.models import DEADLINE_KEY_CHOICES, FastTrackCase, Outcome, Requester
from fasttrack.cases.queries import overdue, work_scope
from fasttrack.people.models import JOBCENTRE_ROLES, Municipality, membership_of
from fasttrack.reports import figures as f
from fasttrack.reports import snapshot
from fasttrack.reports.figures import ALL, Kept, Tally
from fasttrack.reports.periods import Period
from fasttrack.reports.suppression import suppress_table
from fasttrack.reports.tables import COUNT, DAYS, PERCENT, WEEKS, Cell, Row, Table, share

_DEADLINE_LABELS = dict(DEADLINE_KEY_CHOICES)


def _requester_label(value: str) -> str:
    return str(Requester(value).label)


def _outcome_label(value: str) -> str:
    return str(Outcome(value).label)


def _milestone_label(key: str, rule: str) -> str:
    return f"{_DEADLINE_LABELS[key]} ({rule})"


def _count(tally: Tally | None, figure: str = "") -> Cell:
    return Cell((tally or Tally()).cases, COUNT, figure=figure)


@dataclass
class Dashboard:
    period: Period
    tables: list[Table]
    # When figures counted ahead were counted; None for figures counted as the page is read.
    counted_at: datetime | None = None

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


# --- the jobcentre ---------------------------------------------------------------------


def _requests_table(figures: f.RequestFigures, period: Period) -> Table:
    rows = []
    for monday in period.weeks():
        week = period.clip(monday, monday + timedelta(days=6))
        cells = [
            _count(figures.by_week.get((monday, requester)), f"requests:{requester}")
            for requester in f.REQUESTERS
        ]
        cells.append(Cell(sum(int(c.value or 0) for c in cells), COUNT, figure="requests"))
        for cell in cells:
            cell.start, cell.end = week.start.isoformat(), week.end.isoformat()
        # Translators: a week in a table, Danish "Uge 48 (24.11.)".
        label = _("Week %(number)s (%(monday)s)") % {
            "number": monday.isocalendar().week,
            "monday": date_format(week.start, "SHORT_DATE_FORMAT"),
        }
        rows.append(Row(label, cells, key=monday.isoformat()))
    totals = [_count(figures.by_requester.get(r), f"requests:{r}") for r in f.REQUESTERS]
    totals.append(_count(figures.total, "requests"))
    rows.append(Row(_("The whole period"), totals, key="total", is_total=True))
    return Table(
        "requests",
        _("Requests per week, by who requested"),
        _("Week"),
        [*(_requester_label(r) for r in f.REQUESTERS), _("All requests")],
        rows,
        kinds=[COUNT] * 4,
        chart_columns=[0, 1, 2],
    )


def _milestones_table(milestones: dict[str, f.MilestoneFigures]) -> Table:
    rows = []
    for key, rule in f.MILESTONES:
        figures = milestones.get(key) or f.MilestoneFigures()
        cells = [_count(figures.kept.get(kept), f"{key}:{kept}") for kept in f.KEPT_ORDER]
        cells.append(_count(figures.due, f"{key}:due"))
        decided = Cell(figures.due.cases - figures.kept[Kept.PENDING].cases)
        cells.append(share(cells[0], decided))
        rows.append(Row(_milestone_label(key, rule), cells, key=key))
    return Table(
        "milestones",
        _("Deadlines due in the period: kept, late or not reached"),
        _("Milestone"),
        [
            *(str(f.KEPT_LABELS[kept]) for kept in f.KEPT_ORDER),
            _("Due in the period"),
            _("Share in time (%)"),
        ],
        rows,
        kinds=[COUNT] * 5 + [PERCENT],
        chart_columns=[0, 1, 2],
        note=_(
            "A deadline counts in the period it falls due in. The share in time counts the "
            "deadlines that have passed."
        ),
    )


def _consent_table(answers: dict[str, Tally]) -> Table:
    total = Tally()
    for tally in answers.values():
        total.add(tally.cases)
    total_cell = _count(total, "consent")
    rows = []
    for answer in f.ANSWERS:
        count = _count(answers.get(answer), f"consent:{answer}")
        rows.append(Row(str(f.ANSWER_LABELS[answer]), [count, share(count, total_cell)], answer))
    rows.append(Row(_("Consent letters due"), [total_cell, Cell(None, PERCENT)], "total", True))
    return Table(
        "consent",
        _("The employees' answers to the consent letter (R-11)"),
        _("Answer"),
        [_("Cases"), _("Share (%)")],
        rows,
        kinds=[COUNT, PERCENT],
        chart_columns=[0],
        note=_("Consent letters whose deadline of 2 banking days fell in the period."),
    )


def _lateness_table(conversation: f.MilestoneFigures) -> Table:
    key = f.DeadlineKey.FIRST_FOLLOWUP_CONVERSATION.value
    buckets = f.bucket_counts(conversation.days_late, f.LATENESS_BUCKETS)
    labels = {key: str(label) for key, label in f.BUCKET_LABELS.items()}
    rows = [
        Row(
            str(f.KEPT_LABELS[Kept.IN_TIME]),
            [_count(conversation.kept.get(Kept.IN_TIME), f"{key}:in_time")],
        )
    ]
    rows += [
        Row(labels[bucket], [Cell(buckets[bucket], figure=f"{key}:{bucket}")], bucket)
        for bucket, _low, _high in f.LATENESS_BUCKETS
    ]
    rows.append(
        Row(
            _("Not held yet"),
            [_count(conversation.kept.get(Kept.NOT_REACHED), f"{key}:not_reached")],
            "not_reached",
        )
    )
    return Table(
        "first_conversation",
        _("First conversations within 14 days of the request (R-19), and how late the others were"),
        _("Held"),
        [_("Cases")],
        rows,
        kinds=[COUNT],
        chart_columns=[0],
    )


def _certificate_tables(certificate: f.MilestoneFigures) -> list[Table]:
    key = f.DeadlineKey.MEDICAL_CERTIFICATE.value
    received = f.count_of(certificate.days_taken)
    median = f.median(certificate.days_taken)
    p90 = f.percentile(certificate.days_taken, 0.9)
    decided = certificate.due.cases - certificate.kept[Kept.PENDING].cases
    in_time = _count(certificate.kept.get(Kept.IN_TIME), f"{key}:in_time")
    summary = Table(
        "certificate",
        _("Medical certificates: days from the request to the doctor to the certificate (R-16)"),
        _("Figure"),
        [_("Value")],
        [
            Row(_("Certificates received"), [Cell(received, figure=f"{key}:reached")], "received"),
            Row(_("Median, days"), [Cell(median, DAYS)], "median"),
            Row(_("90th percentile, days"), [Cell(p90, DAYS)], "p90"),
            Row(_("Share in time (%)"), [share(in_time, Cell(decided))], "in_time_share"),
        ],
        kinds=[COUNT],
    )
    buckets = f.bucket_counts(certificate.days_taken, f.CERTIFICATE_BUCKETS)
    labels = {key: str(label) for key, label in f.BUCKET_LABELS.items()}
    distribution = Table(
        "certificate_days",
        _("Medical certificates by days from the request to the certificate"),
        _("Days"),
        [_("Certificates")],
        [
            Row(labels[bucket], [Cell(buckets[bucket], figure=f"{key}:{bucket}")], bucket)
            for bucket, _low, _high in f.CERTIFICATE_BUCKETS
        ],
        kinds=[COUNT],
        chart_columns=[0],
    )
    return [summary, distribution]


def _weeks(days: float | int | None) -> float | None:
    return None if days is None else round(days / 7, 1)


def _outcomes_table(outcomes: f.OutcomeFigures) -> Table:
    total = _count(outcomes.total, "outcome")
    rows = []
    for outcome in f.OUTCOMES:
        count = _count(outcomes.by_outcome.get(outcome), f"outcome:{outcome}")
        days = outcomes.days_to_return.get(outcome)
        weeks = Cell(_weeks(f.median(days)) if days else None, WEEKS)
        rows.append(Row(_outcome_label(outcome), [count, share(count, total), weeks], outcome))
    rows.append(
        Row(_("Cases closed"), [total, Cell(None, PERCENT), Cell(None, WEEKS)], "total", True)
    )
    return Table(
        "outcomes",
        _("Outcomes of the cases closed in the period"),
        _("Outcome"),
        [_("Cases"), _("Share (%)"), _("Median weeks from the first absence day to the return")],
        rows,
        kinds=[COUNT, PERCENT, WEEKS],
        chart_columns=[0],
        note=_(
            "The return is the day the case was closed with the outcome back at work part "
            "time (a partial return) or full time (a full return)."
        ),
    )


def _workload_table(user: Any, today: date) -> Table:
    """Open cases per caseworker and in the queue: the worklist's own views (one query)."""
    from fasttrack.cases.queries import caseworkers_of

    loads: dict[int | None, dict[str, int]] = {
        row["caseworker"]: {"cases": row["cases"], "late": row["late"]}
        for row in work_scope(user)
        .order_by()
        .values("caseworker")
        .annotate(cases=Count("pk"), late=Count("pk", filter=Q(overdue(today))))
    }
    rows = []
    for caseworker in caseworkers_of(user):
        load = loads.get(caseworker.pk, {"cases": 0, "late": 0})
        rows.append(
            Row(
                caseworker.get_full_name() or caseworker.get_username(),
                [
                    Cell(load["cases"], link=f"assignee={caseworker.pk}"),
                    Cell(load["late"], link=f"assignee={caseworker.pk}&filter=overdue"),
                ],
                str(caseworker.pk),
            )
        )
    queue = loads.get(None, {"cases": 0, "late": 0})
    rows.append(
        Row(
            _("In the queue, not yet taken"),
            [
                Cell(queue["cases"], link="assignee=queue"),
                Cell(queue["late"], link="assignee=queue&filter=overdue"),
            ],
            "queue",
        )
    )
    return Table(
        "workload",
        _("Caseworker workload now: open cases per caseworker and in the queue"),
        _("Caseworker"),
        [_("Cases with work left"), _("Overdue")],
        rows,
        kinds=[COUNT, COUNT],
        chart_columns=[0],
    )


def jobcentre_dashboard(
    user: Any, scope: QuerySet[FastTrackCase], period: Period, today: date
) -> Dashboard:
    # A jobcentre's scope is its municipality's cases (``cases.access.cases_for``).
    membership = membership_of(user)
    municipality = (
        membership.municipality_id if membership and membership.role in JOBCENTRE_ROLES else None
    )
    milestones = f.milestone_figures(scope, period, today, municipality=municipality).get(ALL, {})
    conversation = (
        milestones.get(f.DeadlineKey.FIRST_FOLLOWUP_CONVERSATION.value) or f.MilestoneFigures()
    )
    certificate = milestones.get(f.DeadlineKey.MEDICAL_CERTIFICATE.value) or f.MilestoneFigures()
    tables = [
        _requests_table(f.request_figures(scope, period).get(ALL) or f.RequestFigures(), period),
        _milestones_table(milestones),
        _consent_table(
            (milestones.get(f.DeadlineKey.EMPLOYEE_CONSENT.value) or f.MilestoneFigures()).answers
        ),
        _lateness_table(conversation),
        *_certificate_tables(certificate),
        _outcomes_table(f.outcome_figures(scope, period).get(ALL) or f.OutcomeFigures()),
        _workload_table(user, today),
    ]
    return Dashboard(period, tables)


# --- across municipalities: per municipality only, suppressed --------------------------


def _per_municipality(
    key: str,
    caption: str,
    columns: list[str],
    municipalities: list[Municipality],
    counts: dict[int, list[Tally]],
    figures: list[str],
) -> Table:
    """A table of counts per municipality with a total column and a national total row,
    suppressed so that no count under 5 shows or can be worked out."""
    rows = []
    national = [Tally() for _column in columns]
    for municipality in municipalities:
        tallies = counts.get(municipality.pk) or [Tally() for _column in columns]
        for total, tally in zip(national, tallies, strict=True):
            total.add(tally.cases)
        cells = [Cell(t.cases, figure=fig) for t, fig in zip(tallies, figures, strict=True)]
        cells.append(Cell(sum(t.cases for t in tallies), figure=figures[-1].split(":")[0]))
        rows.append(Row(str(municipality), cells, municipality.code))
    totals = [Cell(t.cases) for t in national]
    totals.append(Cell(sum(t.cases for t in national)))
    rows.append(Row(_("All municipalities"), totals, "total", is_total=True))
    table = Table(
        key,
        caption,
        _("Municipality"),
        [*columns, _("Total")],
        rows,
        kinds=[COUNT] * (len(columns) + 1),
    )
    suppress_table(table, list(range(len(columns) + 1)), rows_add_up=True, columns_add_up=True)
    for row in table.rows:
        for cell in row.cells:
            # The administrator sees no cases: nothing to link to.
            cell.figure = ""
    return table


def _with_share(table: Table, numerator: int, denominator: int | list[int], heading: str) -> Table:
    """Add a share column computed from shown counts only."""
    table.columns.append(heading)
    table.kinds.append(PERCENT)
    for row in table.rows:
        if isinstance(denominator, list):
            whole, less = row.cells[denominator[0]], row.cells[denominator[1]]
            base = (
                Cell(int(whole.value or 0) - int(less.value or 0))
                if whole.shown and less.shown
                else Cell(None)
            )
        else:
            base = row.cells[denominator]
        row.cells.append(share(row.cells[numerator], base))
    return table


def _tallies(
    by_municipality: dict[int, Any],
    pick: Callable[[Any, str], Tally | None],
    keys: list[str],
) -> dict[int, list[Tally]]:
    """Per municipality, the tallies of ``keys`` picked from its figures."""
    return {
        m: [pick(figures, k) or Tally() for k in keys] for m, figures in by_municipality.items()
    }


def _kept_of(key: str) -> Callable[[dict[str, f.MilestoneFigures], str], Tally | None]:
    def pick(by_key: dict[str, f.MilestoneFigures], kept: str) -> Tally | None:
        return (by_key.get(key) or f.MilestoneFigures()).kept.get(kept)

    return pick


def national_dashboard(period: Period) -> Dashboard:
    """The figures per municipality for the administrator: no case, no person, no count
    under 5 (``reports.suppression``). They are read from the tallies counted ahead
    (``reports.snapshot``), as of the time the dashboard gives."""
    figures = snapshot.NationalFigures(period, snapshot.counted())
    municipalities = list(Municipality.objects.order_by("code"))
    requests, milestones, outcomes = figures.requests, figures.milestones, figures.outcomes
    consent = f.consent_answers(milestones)
    tables = [
        _per_municipality(
            "requests",
            _("Requests in the period, by who requested"),
            [_requester_label(r) for r in f.REQUESTERS],
            municipalities,
            _tallies(requests, lambda fig, r: fig.by_requester.get(r), f.REQUESTERS),
            [f"requests:{r}" for r in f.REQUESTERS],
        ),
        _with_share(
            _per_municipality(
                "consent",
                _("The employees' answers to the consent letter (R-11)"),
                [str(f.ANSWER_LABELS[a]) for a in f.ANSWERS],
                municipalities,
                _tallies(consent, lambda answers, a: answers.get(a), f.ANSWERS),
                [f"consent:{a}" for a in f.ANSWERS],
            ),
            0,
            3,
            _("Consent rate (%)"),
        ),
    ]
    for key, rule in f.MILESTONES:
        table = _per_municipality(
            f"milestone_{key}",
            _milestone_label(key, rule),
            [str(f.KEPT_LABELS[k]) for k in f.KEPT_ORDER],
            municipalities,
            _tallies(milestones, _kept_of(key), f.KEPT_ORDER),
            [f"{key}:{k}" for k in f.KEPT_ORDER],
        )
        # In time out of the deadlines that have passed (due minus not yet due).
        tables.append(_with_share(table, 0, [4, 3], _("Share in time (%)")))
    tables.append(
        _per_municipality(
            "outcomes",
            _("Outcomes of the cases closed in the period"),
            [_outcome_label(o) for o in f.OUTCOMES],
            municipalities,
            _tallies(outcomes, lambda fig, o: fig.by_outcome.get(o), f.OUTCOMES),
            [f"outcome:{o}" for o in f.OUTCOMES],
        )
    )
    return Dashboard(period, tables, counted_at=figures.snapshot.taken_at)


# --- the employer's own view: no health data, no figure about fewer than 5 employees ---


def _employer_people(
    scope: QuerySet[FastTrackCase], table: Table, period: Period, today: date
) -> None:
    """Give each count the number of distinct employees behind it, which decides
    its suppression: a person with two absences counts once (one query a table)."""
    cells = [
        cell
        for row in table.rows
        for cell in row.cells
        if cell.kind == COUNT and cell.figure and cell.value
    ]
    people = f.employees_behind(scope, [cell.figure for cell in cells], period, today)
    for cell in cells:
        cell.people = people[cell.figure]


def _employer_finish(table: Table) -> Table:
    for row in table.rows:
        for cell in row.cells:
            # The employer has no worklist: its figures link nowhere.
            cell.figure = ""
    return table


def _counted_with_total(
    table: Table, scope: QuerySet[FastTrackCase], period: Period, today: date
) -> Table:
    """``table``'s first column of counts, whose last row is their total, suppressed by
    the employees behind each count; then each count's share of the total."""
    for row in table.rows:
        row.cells = row.cells[:1]
    table.columns, table.kinds = table.columns[:1], [COUNT]
    _employer_people(scope, table, period, today)
    suppress_table(table, [0], rows_add_up=False, columns_add_up=True)
    total = table.rows[-1].cells[0]
    table.columns.append(_("Share (%)"))
    table.kinds.append(PERCENT)
    for row in table.rows:
        row.cells.append(Cell(None, PERCENT) if row.is_total else share(row.cells[0], total))
    return table


def employer_dashboard(scope: QuerySet[FastTrackCase], period: Period, today: date) -> Dashboard:
    """The employer's own requests: how many, how many the employees accepted, the time
    to the first conversation and the outcomes. Dates and outcomes only: never a
    certificate, a diagnosis or anything else from the doctor (R-18)."""
    requests = f.request_figures(scope, period).get(ALL) or f.RequestFigures()
    milestones = f.milestone_figures(scope, period, today).get(ALL, {})
    consent = (milestones.get(f.DeadlineKey.EMPLOYEE_CONSENT.value) or f.MilestoneFigures()).answers
    outcomes = f.outcome_figures(scope, period).get(ALL) or f.OutcomeFigures()

    overview = Table(
        "requests",
        _("Your requests for Fast track in the period"),
        _("Figure"),
        [_("Cases")],
        [Row(_("Requests"), [_count(requests.total, "requests")], "requests")],
        kinds=[COUNT],
    )
    _employer_people(scope, overview, period, today)
    suppress_table(overview, [0], rows_add_up=False, columns_add_up=False)

    consent_table = _counted_with_total(_consent_table(consent), scope, period, today)
    consent_table.caption = _("Did the employees accept Fast track?")

    key = f.DeadlineKey.FIRST_FOLLOWUP_CONVERSATION.value
    conversation = milestones.get(key) or f.MilestoneFigures()
    in_time = _count(conversation.kept.get(Kept.IN_TIME), f"{key}:in_time")
    late = _count(conversation.kept.get(Kept.LATE), f"{key}:late")
    held = Cell(int(in_time.value or 0) + int(late.value or 0), figure=f"{key}:reached")
    conversation_table = Table(
        "first_conversation",
        _("Time from the request to the first conversation with the jobcentre"),
        _("Figure"),
        [_("Cases")],
        [
            Row(_("Within 14 days of the request"), [in_time], "in_time"),
            Row(_("Later than 14 days after the request"), [late], "late"),
            Row(_("First conversations held"), [held], "held", is_total=True),
        ],
        kinds=[COUNT],
    )
    _employer_people(scope, conversation_table, period, today)
    # Held = within 14 days + later: the three add up like a column with its total.
    suppress_table(conversation_table, [0], rows_add_up=False, columns_add_up=True)
    conversation_table.rows += [
        Row(_("Share within 14 days (%)"), [share(in_time, held)], "in_time_share"),
        Row(
            _("Median days from the request"),
            [Cell(f.median(conversation.days_taken) if held.shown else None, DAYS)],
            "median",
        ),
    ]

    outcome_table = _counted_with_total(_outcomes_table(outcomes), scope, period, today)
    outcome_table.note = ""

    tables = [overview, consent_table, conversation_table, outcome_table]
    return Dashboard(period, [_employer_finish(table) for table in tables])
