"""The statistics pages (issue 17): the jobcentre manager's, the administrator's across
municipalities, and the employer's own, each with its CSV export.

The figures and their suppression live in ``fasttrack.reports``; these views
only choose the scope the user may see, read the period from the address and
link each jobcentre figure to the worklist view of the cases behind it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
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
from fasttrack.web.start_pages import START_PAGES


class PeriodForm(forms.Form):
    """A month, quarter or year from the list, or a from–to period; GET, no personal data."""

    period = forms.ChoiceField(label=gettext_lazy("Period"), required=False)
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
        period = self.fields["period"]
        assert isinstance(period, forms.ChoiceField)
        period.choices = period_choices(today)

    def clean_period(self) -> str:
        # Any month, quarter or year can be linked to, not only the listed ones.
        return str(self.data.get("period", "")).strip()

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

    def field_choices(self) -> list[tuple[str, str]]:
        period = self.fields["period"]
        assert isinstance(period, forms.ChoiceField)
        return list(period.choices)  # type: ignore[arg-type]

    def has_choice(self, code: str) -> bool:
        return any(value == code for value, _label in self.field_choices())


def _period_form(request: HttpRequest) -> PeriodForm:
    today = timezone.localdate()
    params = request.GET if request.GET else None
    form = PeriodForm(params, today=today)
    if form.is_bound and form.is_valid():
        chosen = form.chosen()
        if chosen.code and not form.has_choice(chosen.code):
            period = form.fields["period"]
            assert isinstance(period, forms.ChoiceField)
            period.choices = [(chosen.code, chosen.code), *form.field_choices()]
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


def _page(
    request: HttpRequest,
    form: PeriodForm,
    dashboard: Dashboard,
    *,
    title: str,
    intro: str,
    csv_url_name: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    context = {
        "page": START_PAGES.get(Role.ADMINISTRATOR),
        "title": title,
        "intro": intro,
        "form": form,
        "dashboard": dashboard,
        "sections": [(table, chart_for(table)) for table in dashboard.tables],
        "csv_url": f"{reverse(f'web:{csv_url_name}')}?{dashboard.period.query_string()}",
        **(extra or {}),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "web/statistics/dashboard.html", context, status=status)


def _filename(prefix: str, period: Period) -> str:
    return f"{prefix}-{period.start.isoformat()}-{period.end.isoformat()}.csv"


@require_role(Role.JOBCENTRE_MANAGER)
def jobcentre_statistics(request: HttpRequest) -> HttpResponse:
    """Does the municipality keep the Fast track clock, and does Fast track work?"""
    membership = require_membership(request, Role.JOBCENTRE_MANAGER)
    form = _period_form(request)
    dashboard = jobcentre_dashboard(
        request.user, cases_for(request.user), form.chosen(), timezone.localdate()
    )
    _link_to_worklist(dashboard)
    return _page(
        request,
        form,
        dashboard,
        title=_("Statistics"),
        intro=_(
            "Fast track in %(jobcentre)s in the period. Select a figure to see the cases "
            "behind it in the worklist."
        )
        % {"jobcentre": membership.organisation_name},
        csv_url_name="jobcentre_statistics_csv",
        extra={"back_url": reverse("web:jobcentre_overview")},
    )


@require_role(Role.JOBCENTRE_MANAGER)
def jobcentre_statistics_csv(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request, Role.JOBCENTRE_MANAGER)
    form = _period_form(request)
    period = form.chosen()
    dashboard = jobcentre_dashboard(
        request.user, cases_for(request.user), period, timezone.localdate()
    )
    title = _("Fast track statistics, %(jobcentre)s") % {"jobcentre": membership.organisation_name}
    return csv_response(title, dashboard, _filename("fasttrack-statistik", period))


@require_role(Role.ADMINISTRATOR)
def national_statistics(request: HttpRequest) -> HttpResponse:
    """The same figures for every municipality, per municipality only and suppressed."""
    form = _period_form(request)
    dashboard = national_dashboard(form.chosen(), timezone.localdate())
    return _page(
        request,
        form,
        dashboard,
        title=_("Statistics across municipalities"),
        intro=_(
            "Fast track per municipality in the period. A count under 5 is shown as “<5”, "
            "and so is another count where it could otherwise be worked out from the totals."
        ),
        csv_url_name="national_statistics_csv",
    )


@require_role(Role.ADMINISTRATOR)
def national_statistics_csv(request: HttpRequest) -> HttpResponse:
    period = _period_form(request).chosen()
    return csv_response(
        _("Fast track statistics across municipalities"),
        national_dashboard(period, timezone.localdate()),
        _filename("fasttrack-statistik-kommuner", period),
    )


@require_role(Role.EMPLOYER)
def employer_statistics(request: HttpRequest) -> HttpResponse:
    """The employer's own requests in figures: no health data, no figure about fewer
    than 5 employees."""
    membership = require_membership(request, Role.EMPLOYER)
    form = _period_form(request)
    dashboard = employer_dashboard(cases_for(request.user), form.chosen(), timezone.localdate())
    return _page(
        request,
        form,
        dashboard,
        title=_("Statistics"),
        intro=_(
            "%(employer)s's requests for Fast track in the period. No figure is about fewer "
            "than 5 employees: such a figure is shown as “<5”."
        )
        % {"employer": membership.organisation_name},
        csv_url_name="employer_statistics_csv",
        extra={"back_url": reverse("web:employer_start")},
    )


@require_role(Role.EMPLOYER)
def employer_statistics_csv(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request, Role.EMPLOYER)
    period = _period_form(request).chosen()
    title = _("Fast track statistics, %(employer)s") % {"employer": membership.organisation_name}
    return csv_response(
        title,
        employer_dashboard(cases_for(request.user), period, timezone.localdate()),
        _filename("fasttrack-statistik", period),
    )
