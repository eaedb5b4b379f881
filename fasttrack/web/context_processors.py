from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fasttrack.login.policy import is_verified, needs_second_factor
from fasttrack.people.models import membership_of
from fasttrack.web.start_pages import START_PAGES

BORGER_DK_THEME = "dkfds/css/dkfds-borgerdk.min.css"
VIRK_DK_THEME = "dkfds/css/dkfds-virkdk.min.css"


def membership(request: HttpRequest) -> dict[str, Any]:
    """The logged-in user's role and organisation, for the page header.

    Employers meet public services on virk.dk, everyone else (and anonymous
    visitors) on borger.dk, so the DKFDS theme follows the role.
    """
    user = getattr(request, "user", None)
    current = membership_of(user)
    # Until the second factor is given, the header offers only the log-out:
    # no menu, no inbox (its count alone would tell something).
    login_complete = not needs_second_factor(user) or is_verified(user)
    return {
        "membership": current,
        "login_complete": login_complete,
        "start_page": START_PAGES.get(current.role) if current and login_complete else None,
        "dkfds_stylesheet": VIRK_DK_THEME
        if current is not None and current.is_employer_side
        else BORGER_DK_THEME,
    }
