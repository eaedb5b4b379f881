"""Breaches of the Fast track rules, as exceptions other layers can catch.

Each class is one rule breach. It carries the rule's ID, an English message
template marked for translation and the raw values (dates stay dates), so the
web and API layers can show it in the user's language and format the dates
their own way: ``gettext(error.message) % error.params``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from fasttrack.lib.i18n import gettext_noop


class RuleViolation(Exception):
    rule_id: ClassVar[str]
    message: ClassVar[str]
    # The input the breach concerns, as the API names it ("held_on",
    # "measures.%(index)s.due_on"), so that every face puts the message at the
    # same field; None for a breach of the request as a whole. This is the one
    # map from a refusal to its field: the API's ``errors``, the batch's rows
    # and the pages all read it.
    field: ClassVar[str | None] = None

    def __init__(self, **params: Any) -> None:
        self.params: dict[str, Any] = params
        super().__init__(self.message % params)

    def field_path(self) -> str | None:
        return self.field % self.params if self.field else None

    def field_paths(self) -> list[str]:
        """Every input the breach concerns; empty for the request as a whole."""
        path = self.field_path()
        return [path] if path else []

    def __str__(self) -> str:
        return self.message % self.params

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions pickle as ``cls(*args)``; ours are built from keywords, and
        # background workers may need to pass them between processes.
        return (_rebuild, (type(self), self.params))


def _rebuild(cls: type[RuleViolation], params: dict[str, Any]) -> RuleViolation:
    return cls(**params)


class ExpectationNotAffirmed(RuleViolation):
    rule_id = "R-04"
    field = "expects_over_8_weeks"
    message = gettext_noop(
        "Fast track needs the expectation that the employee will not be fully back at work "
        "within %(weeks)s weeks of the first absence day."
    )


class FirstAbsenceDayInFuture(RuleViolation):
    rule_id = "R-04"
    field = "first_absence_day"
    message = gettext_noop(
        "The first absence day %(first_absence_day)s lies in the future; today is %(today)s."
    )


class RequestBeforeFirstAbsenceDay(RuleViolation):
    rule_id = "R-04"
    field = "first_absence_day"
    message = gettext_noop(
        "The request date %(request_date)s lies before the first absence day %(first_absence_day)s."
    )


class RequestTooLate(RuleViolation):
    rule_id = "R-03"
    field = "first_absence_day"
    message = gettext_noop(
        "The request came too late: the last valid request day was %(last_valid_day)s, "
        "%(window_days)s days after the first absence day %(first_absence_day)s."
    )


class CertificateDueTooSoon(RuleViolation):
    rule_id = "R-16"
    field = "due_in_days"
    message = gettext_noop(
        "The doctor must have at least %(min_days)s days to issue the medical certificate; "
        "%(due_in_days)s days is too short."
    )


class CertificateDueTooLate(RuleViolation):
    rule_id = "R-16"
    field = "due_in_days"
    message = gettext_noop(
        "The medical certificate must be in hand by the first follow-up conversation: the "
        "latest allowed day is %(latest_day)s, %(max_days)s days after the request; "
        "%(due_in_days)s days is too long."
    )


class NoRuleSetInForce(RuleViolation):
    # Not a numbered rule: RULES.md requires that a case keeps the rule set in
    # force on its request date, and there is none before the first one.
    rule_id = "rule-set"
    message = gettext_noop("No Fast track rule set is in force on %(on)s.")


class UnknownRuleSet(RuleViolation):
    rule_id = "rule-set"
    message = gettext_noop("There is no Fast track rule set with version %(version)s.")
