"""Two versions of the plan side by side (R-20): what changed from one to the other.

Dates and hours are written as the rest of the page writes them, in the active
language ("20. august 2026", "7,0"), never as stored ("2026-08-20", "7.0").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fasttrack.formats.dates import as_date
from fasttrack.plans.models import MeasureKind, PlanVersion


@dataclass(frozen=True)
class Change:
    label: Promise | str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def _measure(measure: dict[str, Any]) -> str:
    kind = dict(MeasureKind.choices).get(measure.get("kind", ""), measure.get("kind", ""))
    parts = [f"{kind}: {measure.get('description') or '–'}"]
    if measure.get("owner"):
        parts.append(str(measure["owner"]))
    if measure.get("due_on"):
        parts.append(as_date(measure["due_on"]))
    return " – ".join(parts)


def _date(version: PlanVersion) -> str:
    return as_date(version.evaluate_on) or "–"


def _hours(version: PlanVersion) -> str:
    hours = version.partial_leave_hours_per_week
    return localize(hours) if hours else "–"


def compare(old: PlanVersion, new: PlanVersion) -> list[Change]:
    """Each part of the plan in both versions, in the order the page shows them."""
    rows = [
        Change(_("Summary"), old.summary, new.summary),
        Change(
            _("Partial sick leave, hours of absence a week"),
            _hours(old),
            _hours(new),
        ),
        Change(_("Evaluate on"), _date(old), _date(new)),
    ]
    old_measures = [_measure(m) for m in old.measures]
    new_measures = [_measure(m) for m in new.measures]
    for index in range(max(len(old_measures), len(new_measures))):
        rows.append(
            Change(
                _("Measure %(number)s") % {"number": index + 1},
                old_measures[index] if index < len(old_measures) else "–",
                new_measures[index] if index < len(new_measures) else "–",
            )
        )
    return rows
