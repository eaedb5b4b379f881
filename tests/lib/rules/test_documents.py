"""The reminder days of the documents around a case (R-24): pure functions of the
rule set and the due date, counted in banking days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from fasttrack.lib.rules import RuleSet, rule_set_by_version
from fasttrack.lib.rules.documents import (
    opportunity_statement_doctor_reminder_day,
    retention_plan_answer_reminder_day,
)

RULES = rule_set_by_version("2025-01")
REMINDER_DAYS = (retention_plan_answer_reminder_day, opportunity_statement_doctor_reminder_day)


@pytest.mark.parametrize("reminder_day", REMINDER_DAYS)
@pytest.mark.parametrize(
    ("due", "reminded"),
    [
        pytest.param(date(2025, 3, 19), date(2025, 3, 17), id="a-wednesday"),
        # Friday and Monday are the 2 banking days left.
        pytest.param(date(2025, 3, 17), date(2025, 3, 13), id="a-monday-over-the-weekend"),
        # A Saturday counts from the Friday before it: Thursday and Friday are left.
        pytest.param(date(2025, 3, 15), date(2025, 3, 12), id="a-saturday"),
        # Skærtorsdag, langfredag and 2. påskedag are closed: Wednesday 16 April
        # and Tuesday 22 April are the 2 banking days left.
        pytest.param(date(2025, 4, 22), date(2025, 4, 15), id="after-easter"),
        # 24 and 25 December are closed: Monday 22 and Tuesday 23 are left.
        pytest.param(date(2025, 12, 26), date(2025, 12, 19), id="christmas"),
    ],
)
def test_it_reminds_2_banking_days_before_the_document_is_due(
    reminder_day: Callable[[RuleSet, date], date], due: date, reminded: date
) -> None:
    assert reminder_day(RULES, due) == reminded


def test_it_takes_the_reminder_days_from_the_rule_set() -> None:
    assert RULES.retention_plan_answer_reminder_banking_days == 2
    assert RULES.opportunity_statement_doctor_reminder_banking_days == 2
