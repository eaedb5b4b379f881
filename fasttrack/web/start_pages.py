"""Each role's own start page: where ``/`` sends a user after logging in."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fasttrack.people.models import Role


@dataclass(frozen=True)
class StartPage:
    role: Role
    url_name: str
    # Also the label of the page in the main menu.
    title: Promise

    @property
    def url(self) -> str:
        return reverse(f"web:{self.url_name}")


START_PAGES: dict[str, StartPage] = {
    page.role: page
    for page in (
        # Translators: the employer's start page (Danish: "Forside").
        StartPage(Role.EMPLOYER, "employer_start", _("Front page")),
        # Translators: the nearest manager's start page (Danish: "Forside").
        StartPage(Role.MANAGER, "manager_start", _("Front page")),
        # Translators: the employee's start page (Danish: "Din sag").
        StartPage(Role.EMPLOYEE, "employee_start", _("Your case")),
        # Translators: the doctor's start page (Danish: "Indbakke").
        StartPage(Role.DOCTOR, "doctor_start", _("Inbox")),
        # Translators: the caseworker's start page (Danish: "Arbejdsliste").
        StartPage(Role.CASEWORKER, "worklist", _("Worklist")),
        # Translators: the jobcentre manager's start page (Danish: "Overblik").
        StartPage(Role.JOBCENTRE_MANAGER, "jobcentre_overview", _("Overview")),
        # Translators: the administrator's start page (Danish: "Statistik").
        StartPage(Role.ADMINISTRATOR, "national_statistics", _("Statistics")),
    )
}
