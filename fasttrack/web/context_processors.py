from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fasttrack.people.models import membership_of
from fasttrack.web.start_pages import START_PAGES

BORGER_DK_THEME = "dkfds/css/dkfds-borgerdk.min.css"
VIRK_DK_THEME = "dkfds/css/dkfds-virkdk.min.css"


def membership(request: HttpRequest) -> dict[str, Any]:
    """The logged-in user's role and organisation, for the page header.

    Employers meet public services on virk.dk, everyone else (and anonymous
    visitors) on borger.dk, so the DKFDS theme follows the role.
    """
    current = membership_of(getattr(request, "user", None))
    return {
        "membership": current,
        "start_page": START_PAGES.get(current.role) if current else None,
        "dkfds_stylesheet": VIRK_DK_THEME
        if current is not None and current.is_employer_side
        else BORGER_DK_THEME,
    }
