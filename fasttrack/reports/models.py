"""The figures across municipalities, counted ahead (``reports.snapshot``).

The administrator's page sums every municipality's cases of a period. Counted from
the cases and deadline rows on each view, a year took seconds on a national
database; counted from these tallies, which hold the same counts per municipality
and day (and per month), it reads a few thousand rows. The tallies are counted
again in one transaction, by the worker every ``STATISTICS_REFRESH_SECONDS`` and
by ``fasttrack refresh_statistics``, and the page says when they were counted.

They hold counts only: no case, no person.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """When the tallies were counted: one row, locked while they are rebuilt."""

    taken_at = models.DateTimeField(_("counted at"), null=True)
    # The day the "not reached" milestones were counted against: the day of ``taken_at``.
    counted_on = models.DateField(_("counted on"), null=True)
    seconds = models.FloatField(_("seconds it took"), default=0)
    # Tallies deleted or added by the last count: what changed since the one before.
    changed = models.PositiveIntegerField(_("tallies changed"), default=0)

    class Meta:
        verbose_name = _("statistics count")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="one_statistics_snapshot")
        ]

    def __str__(self) -> str:
        return f"{self.taken_at or '-'}"


class Grain(models.TextChoices):
    DAY = "day", _("Day")
    # The first day of the month stands for the month.
    MONTH = "month", _("Month")


class Group(models.TextChoices):
    REQUESTS = "requests", _("Requests")
    MILESTONES = "milestones", _("Milestones")
    OUTCOMES = "outcomes", _("Outcomes")


class Tally(models.Model):
    """How many cases of a municipality fall in a group on a day (or in a month).

    ``day`` is the request day (requests), the milestone's due day (milestones) or
    the closing day (outcomes). ``key`` is who requested, the milestone or the
    outcome. The milestones' columns are what their class (in time, late, not
    reached, not yet due) and the consent's answer are worked out from when the
    page is read (``figures``)."""

    grain = models.CharField(max_length=8, choices=Grain.choices)
    # No foreign key check per inserted row: the tallies are counted from rows
    # that reference their municipality already, and municipalities are never deleted.
    municipality = models.ForeignKey(
        "people.Municipality", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    day = models.DateField()
    group = models.CharField(max_length=16, choices=Group.choices)
    key = models.CharField(max_length=64)
    status = models.CharField(max_length=16, blank=True)
    reached = models.BooleanField(default=False)
    answer = models.CharField(max_length=16, blank=True)
    # The case was declined: its first conversation is the normal track's.
    declined = models.BooleanField(default=False)
    cases = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("statistics tally")
        indexes = [models.Index(fields=["grain", "day"], name="tally_grain_day")]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.day} {self.group} {self.key}: {self.cases}"
