from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fasttrack.people.models import membership_of


def membership(request: HttpRequest) -> dict[str, Any]:
    """The logged-in user's role and organisation, for the page header."""
    return {"membership": membership_of(getattr(request, "user", None))}
