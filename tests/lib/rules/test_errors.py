"""Rule breaches as exceptions the Django layer can translate."""

from __future__ import annotations

import pickle
import re
from datetime import date
from pathlib import Path

import pytest

import fasttrack.lib
from fasttrack.lib.rules import (
    CertificateDueTooLate,
    CertificateDueTooSoon,
    ExpectationNotAffirmed,
    FirstAbsenceDayInFuture,
    NoRuleSetInForce,
    RequestBeforeFirstAbsenceDay,
    RequestTooLate,
    RuleViolation,
    UnknownRuleSet,
)

DAY = date(2026, 1, 5)

EXAMPLES: list[RuleViolation] = [
    ExpectationNotAffirmed(weeks=8),
    FirstAbsenceDayInFuture(first_absence_day=DAY, today=DAY),
    RequestBeforeFirstAbsenceDay(first_absence_day=DAY, request_date=DAY),
    RequestTooLate(first_absence_day=DAY, request_date=DAY, last_valid_day=DAY, window_days=34),
    CertificateDueTooSoon(due_in_days=7, min_days=8),
    CertificateDueTooLate(due_in_days=14, latest_day=DAY, max_days=9),
    NoRuleSetInForce(on=DAY),
    UnknownRuleSet(version="1999-01"),
]


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda e: type(e).__name__)
def test_it_formats_the_english_message_with_its_params(error: RuleViolation) -> None:
    assert str(error) == error.message % error.params
    assert "%(" not in str(error)


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda e: type(e).__name__)
def test_it_keeps_the_rule_id_out_of_the_message(error: RuleViolation) -> None:
    """People read the message; the rule id is for the API's ``rule_id`` only."""
    assert not re.search(r"R-\d", error.message)


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda e: type(e).__name__)
def test_it_survives_pickling_for_background_workers(error: RuleViolation) -> None:
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(copy) is type(error)
    assert (copy.rule_id, copy.params, str(copy)) == (error.rule_id, error.params, str(error))


def test_it_keeps_django_out_of_lib() -> None:
    """lib must stay importable and testable without Django (DESIGN.md §3)."""
    django_import = re.compile(r"^\s*(import|from)\s+django\b", re.MULTILINE)
    lib = Path(fasttrack.lib.__file__).parent
    offenders = [
        str(path.relative_to(lib))
        for path in lib.rglob("*.py")
        if django_import.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
