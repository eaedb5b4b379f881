"""What an action that made a case has just written, for its response.

The API answers a request with the case as it now stands; reading back the
deadlines and answers the same transaction wrote a moment ago costs round
trips and tells nothing new. ``request_fast_track`` keeps them on the case it
returns, and the response takes them, once, right after the action. Nothing
else reads them, so a caller that goes on changing the case can never be shown
stale rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fasttrack.cases.models import Answers, CaseDeadline, FastTrackCase

_ATTRIBUTE = "_fasttrack_written"


@dataclass
class Written:
    """All of a new case's deadlines and answers; a new case has no meetings."""

    deadlines: list[CaseDeadline] = field(default_factory=list)
    answers: list[Answers] = field(default_factory=list)


def keep(case: FastTrackCase, written: Written) -> None:
    setattr(case, _ATTRIBUTE, written)


def take(case: FastTrackCase) -> Written | None:
    """What the action kept on ``case``, if anything; it is no longer kept after."""
    kept: Written | None = case.__dict__.pop(_ATTRIBUTE, None)
    return kept
