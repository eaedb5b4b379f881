"""The statistics pages (issue 17): the jobcentre manager's, the administrator's across
municipalities, and the employer's own, each with its CSV export.

The figures and their suppression live in ``fasttrack.reports``; these views
only choose the scope the user may see, read the period from the address and
link each jobcentre figure to the worklist view of the cases behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fasttrack.cases.access import cases_for
from fasttrack.people.models import Role
from fasttrack.reports.charts import chart_for
from fasttrack.reports.dashboards import (
    Dashboard,
    employer_dashboard,
    jobcentre_dashboard,
    national_dashboard,
)
from fasttrack.reports.export import csv_response
from fasttrack.reports.periods import (
    Period,
    PeriodError,
    default_period,
    parse_period,
    period_choices,
)
from fasttrack.web.access import require_membership, require_role


class PeriodForm(forms.Form):
    """A month, quarter or year from the list, or a from–to period; GET, no personal data."""

    # Any month, quarter or year can be asked for, not only the listed ones:
    # a text field shown as a list, read by ``parse_period``.
    period = forms.CharField(
        label=gettext_lazy("Period"), required=False, max_length=16, widget=forms.Select
    )
    start = forms.DateField(
        label=gettext_lazy("Or from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("To and including"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, today: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        widget = self.fields["period"].widget
        assert isinstance(widget, forms.Select)
        # Translators: the period list's choice for a from–to period, Danish "Fra–til herunder".
        widget.choices = [("", _("From–to, below")), *period_choices(today)]
        self.initial.setdefault("period", default_period(today).code)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None) and not self.errors:
            missing = "end" if start else "start"
            self.add_error(missing, _("Give both the first and the last day of the period."))
        elif start and end:
            try:
                data["chosen"] = Period(start, end)
            except PeriodError as error:
                self.add_error("end", str(error))
        elif data.get("period"):
            try:
                data["chosen"] = parse_period(data["period"])
            except PeriodError as error:
                self.add_error("period", str(error))
        return data

    def chosen(self) -> Period:
        if self.is_bound and self.is_valid() and "chosen" in self.cleaned_data:
            chosen: Period = self.cleaned_data["chosen"]
            return chosen
        return default_period(self.today)

    def offer(self, code: str) -> None:
        """List ``code`` too, so that the chosen period shows as chosen."""
        widget = self.fields["period"].widget
        assert isinstance(widget, forms.Select)
        if not any(value == code for value, _label in widget.choices):
            widget.choices = [(code, code), *widget.choices]


def _period_form(request: HttpRequest) -> PeriodForm:
    today = timezone.localdate()
    params = request.GET if request.GET else None
    form = PeriodForm(params, today=today)
    if form.is_bound and form.is_valid() and form.chosen().code:
        form.offer(form.chosen().code)
    return form


def _link_to_worklist(dashboard: Dashboard) -> None:
    """Each jobcentre figure links to the worklist showing exactly the cases it counts."""
    worklist = reverse("web:worklist")
    for table in dashboard.tables:
        for row in table.rows:
            for cell in row.cells:
                if cell.figure:
                    params = {
                        "assignee": "all",
                        "figure": cell.figure,
                        "start": cell.start or dashboard.period.start.isoformat(),
                        "end": cell.end or dashboard.period.end.isoformat(),
                    }
                    cell.link = f"{worklist}?{urlencode(params)}"
                elif cell.link:
                    cell.link = f"{worklist}?{cell.link}"


def _filename(prefix: str, period: Period) -> str:
    return f"{prefix}-{period.start.isoformat()}-{period.end.isoformat()}.csv"


@dataclass(frozen=True)
class Audience:
    """Who a statistics page is for: the cases it counts and how it speaks."""

    role: Role
    # (user, period, today) -> the dashboard this role may see.
    build: Callable[[Any, Period, date], Dashboard]
    title: Callable[[], str]
    intro: Callable[[str], str]
    export_title: Callable[[str], str]
    filename: str
    csv_url_name: str
    back_url_name: str = ""
    # The jobcentre's figures link to the worklist; no one else has one.
    links: bool = False


def statistics_page(audience: Audience) -> Callable[[HttpRequest], HttpResponse]:
    @require_role(audience.role)
    def view(request: HttpRequest) -> HttpResponse:
        membership = require_membership(request, audience.role)
        form = _period_form(request)
        dashboard = audience.build(request.user, form.chosen(), timezone.localdate())
        if audience.links:
            _link_to_worklist(dashboard)
        context = {
            "title": audience.title(),
            "intro": audience.intro(membership.organisation_name),
            "form": form,
            "dashboard": dashboard,
            "sections": [(table, chart_for(table)) for table in dashboard.tables],
            "csv_url": f"{reverse(f'web:{audience.csv_url_name}')}?"
            f"{dashboard.period.query_string()}",
            "back_url": reverse(f"web:{audience.back_url_name}") if audience.back_url_name else "",
            "refresh_minutes": max(1, settings.STATISTICS_REFRESH_SECONDS // 60),
        }
        status = 400 if form.is_bound and form.errors else 200
        return render(request, "web/statistics/dashboard.html", context, status=status)

    return view


def statistics_csv(audience: Audience) -> Callable[[HttpRequest], HttpResponse]:
    @require_role(audience.role)
    def view(request: HttpRequest) -> HttpResponse:
        membership = require_membership(request, audience.role)
        form = _period_form(request)
        if form.is_bound and form.errors:
            errors = " ".join(str(e) for field in form.errors.values() for e in field)
            return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
        period = form.chosen()
        dashboard = audience.build(request.user, period, timezone.localdate())
        title = audience.export_title(membership.organisation_name)
        return csv_response(title, dashboard, _filename(audience.filename, period))

    return view


JOBCENTRE = Audience(
    Role.JOBCENTRE_MANAGER,
    build=lambda user, period, today: jobcentre_dashboard(user, cases_for(user), period, today),
    title=lambda: _("Statistics"),
    intro=lambda name: (
        _(
            "Fast track in %(jobcentre)s in the period. Select a figure to see the cases "
            "behind it in the worklist."
        )
        % {"jobcentre": name}
    ),
    export_title=lambda name: _("Fast track statistics, %(jobcentre)s") % {"jobcentre": name},
    filename="fasttrack-statistik",
    csv_url_name="jobcentre_statistics_csv",
    back_url_name="jobcentre_overview",
    links=True,
)
# Per municipality only and suppressed: no case, no person, no count under 5.
NATIONAL = Audience(
    Role.ADMINISTRATOR,
    build=lambda user, period, today: national_dashboard(period),
    title=lambda: _("Statistics across municipalities"),
    intro=lambda name: _(
        "Fast track per municipality in the period. A count under 5 is shown as “<5”, "
        "and so is another count where it could otherwise be worked out from the totals."
    ),
    export_title=lambda name: _("Fast track statistics across municipalities"),
    filename="fasttrack-statistik-kommuner",
    csv_url_name="national_statistics_csv",
)
# The employer's own requests: no health data, no figure about fewer than 5 employees.
EMPLOYER = Audience(
    Role.EMPLOYER,
    build=lambda user, period, today: employer_dashboard(cases_for(user), period, today),
    title=lambda: _("Statistics"),
    intro=lambda name: (
        _(
            "%(employer)s's requests for Fast track in the period. No figure is about fewer "
            "than 5 employees: such a figure is shown as “<5”."
        )
        % {"employer": name}
    ),
    export_title=lambda name: _("Fast track statistics, %(employer)s") % {"employer": name},
    filename="fasttrack-statistik",
    csv_url_name="employer_statistics_csv",
    back_url_name="employer_start",
)

jobcentre_statistics = statistics_page(JOBCENTRE)
jobcentre_statistics_csv = statistics_csv(JOBCENTRE)
national_statistics = statistics_page(NATIONAL)
national_statistics_csv = statistics_csv(NATIONAL)
employer_statistics = statistics_page(EMPLOYER)
employer_statistics_csv = statistics_csv(EMPLOYER)
