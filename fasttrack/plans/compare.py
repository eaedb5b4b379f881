"""Two versions of the plan side by side (R-20): what changed from one to the other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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
        parts.append(str(measure["due_on"]))
    return " – ".join(parts)


def _date(version: PlanVersion) -> str:
    return date_format(version.evaluate_on, "SHORT_DATE_FORMAT") if version.evaluate_on else "–"


def compare(old: PlanVersion, new: PlanVersion) -> list[Change]:
    """Each part of the plan in both versions, in the order the page shows them."""
    rows = [
        Change(_("Summary"), old.summary, new.summary),
        Change(
            _("Partial sick leave, hours of absence a week"),
            str(old.partial_leave_hours_per_week or "–"),
            str(new.partial_leave_hours_per_week or "–"),
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
