"""Versioned rule sets: every number of RULES.md, with the date it applies from."""

from __future__ import annotations

import dataclasses
import pickle
import re
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fasttrack.lib.rules import (
    InvalidRuleSet,
    NoRuleSetInForce,
    RuleSet,
    UnknownRuleSet,
    load_rule_sets,
    rule_set_by_version,
    rule_set_for,
)

SHIPPED_TOML = (resources.files("fasttrack.lib.rules") / "rulesets" / "2025-01.toml").read_text(
    encoding="utf-8"
)
SHIPPED = rule_set_by_version("2025-01")


def variant(**values: str) -> str:
    """The shipped file with some top-level or basis values replaced (TOML syntax)."""
    text = SHIPPED_TOML
    for key, value in values.items():
        text, count = re.subn(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.MULTILINE)
        assert count == 1, key
    return text


def without(key: str) -> str:
    text, count = re.subn(rf"^{key} = .*\n", "", SHIPPED_TOML, flags=re.MULTILINE)
    assert count == 1, key
    return text


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_it_ships_the_2025_rule_set_of_bek_1710() -> None:
    assert dataclasses.asdict(SHIPPED) | {"basis": dict(SHIPPED.basis)} == {
        "version": "2025-01",
        "in_force_from": date(2025, 1, 1),
        "request_window_days": 34,
        "expected_absence_weeks": 8,
        "consent_banking_days": 2,
        "certificate_days": 14,
        "certificate_min_days": 8,
        "first_conversation_days": 14,
        "normal_track_first_conversation_days": 55,
        "retention_meeting_months": 1,
        "retention_meeting_fallback_days": 14,
        "employer_conversation_days": 28,
        "partial_leave_min_hours_per_week": 4,
        "certificate_fee_ore": 114000,
        "retention_plan_answer_days": 28,  # R-24, § 7 b
        "opportunity_statement_doctor_days": 14,  # R-24, § 36 a
        "plan_evaluation_reminder_days": 7,
        "retention_plan_answer_reminder_banking_days": 2,  # R-24, § 7 b
        "opportunity_statement_doctor_reminder_banking_days": 2,  # R-24, § 36 a
        "question_set": "2025-01",
        "basis": {
            "request_window_closes": "sygedagpengeloven § 7 c",
            # Added by the legal review of R-03: a citation the file lacked.
            "employee_request_window_closes": "sygedagpengeloven § 7 e; jobcentrets praksis",
            "employee_consent": "bek. 1710 § 4, stk. 1",
            "medical_certificate": "bek. 1710 § 11, stk. 3",
            "first_followup_conversation": "sygedagpengeloven § 13 b, stk. 2",
            "normal_track_first_conversation": "sygedagpengeloven § 13 b, stk. 3",
            "retention_meeting": "Jobcentrets praksis (lokalt mål, ikke lovkrav)",
            "employer_sick_absence_conversation": "sygedagpengeloven § 7 a",
            "retention_plan_answer": "sygedagpengeloven § 7 b",
            "opportunity_statement_doctor": "sygedagpengeloven § 36 a; jobcentrets praksis",
            "plan_evaluation": "Jobcentrets praksis (planens evalueringsdato)",
        },
    }


def test_it_reads_the_rule_set_files_once() -> None:
    assert load_rule_sets() is load_rule_sets()
    assert load_rule_sets([]) is load_rule_sets()
    assert [rs.version for rs in load_rule_sets()] == ["2025-01"]


def test_it_picks_the_rule_set_in_force_from_its_first_day() -> None:
    assert rule_set_for(date(2025, 1, 1)) == SHIPPED
    assert rule_set_for(date(2030, 6, 1)) == SHIPPED


def test_it_has_no_rule_set_before_2025() -> None:
    with pytest.raises(NoRuleSetInForce) as raised:
        rule_set_for(date(2024, 12, 31))
    assert raised.value.params == {"on": date(2024, 12, 31)}


def test_it_refuses_an_unknown_version() -> None:
    with pytest.raises(UnknownRuleSet) as raised:
        rule_set_by_version("1999-01")
    assert raised.value.params == {"version": "1999-01"}


def test_it_keeps_rule_sets_immutable_and_hashable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        SHIPPED.first_conversation_days = 10  # type: ignore[misc]
    with pytest.raises(TypeError):
        SHIPPED.basis["retention_meeting"] = "lov"  # type: ignore[index]
    assert {SHIPPED: "ok"}[SHIPPED] == "ok"


def test_it_survives_pickling_for_caches_and_workers() -> None:
    copy = pickle.loads(pickle.dumps(SHIPPED))  # noqa: S301 - our own bytes
    assert copy == SHIPPED
    assert copy.basis["employee_consent"] == "bek. 1710 § 4, stk. 1"


def test_it_picks_a_newer_rule_set_from_an_extra_directory(tmp_path: Path) -> None:
    newer = variant(version='"2027-01"', in_force_from="2027-01-01", first_conversation_days="10")
    rule_sets = load_rule_sets([write(tmp_path, "2027-01.toml", newer)])
    assert [rs.version for rs in rule_sets] == ["2025-01", "2027-01"]
    assert rule_set_for(date(2026, 12, 31), rule_sets).version == "2025-01"
    assert rule_set_for(date(2027, 1, 1), rule_sets).first_conversation_days == 10
    assert rule_set_by_version("2027-01", rule_sets).in_force_from == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (variant(certificate_min_days="20"), "certificate_days (14) is below"),
        (variant(certificate_days="0"), "certificate_days must be a whole number of at least 1"),
        (variant(request_window_days="-1"), "request_window_days must be"),
        (variant(consent_banking_days="true"), "consent_banking_days must be"),
        (variant(first_conversation_days='"14"'), "first_conversation_days must be"),
        (variant(retention_meeting_months="1.5"), "retention_meeting_months must be"),
        (variant(in_force_from="2026-01-01T00:00:00"), "in_force_from must be a date"),
        (variant(version='""'), "version must be a non-empty string"),
        (variant(question_set='"2099-01"'), "question_set '2099-01' does not exist"),
        (without("certificate_fee_ore"), "missing certificate_fee_ore"),
        ("surprise = 1\n" + SHIPPED_TOML, "unknown keys surprise"),
        (without("retention_meeting"), "basis lacks retention_meeting"),
        (variant(retention_meeting='""'), "basis.retention_meeting must be"),
        (SHIPPED_TOML + "extra = 'x'\n", "basis has unknown keys extra"),
        ("version = ", "Invalid value"),
    ],
)
def test_it_rejects_an_invalid_rule_set_naming_the_file(
    tmp_path: Path, text: str, problem: str | None
) -> None:
    write(tmp_path, "broken.toml", text)
    with pytest.raises(InvalidRuleSet) as raised:
        load_rule_sets([tmp_path])
    message = str(raised.value)
    assert str(tmp_path / "broken.toml") in message
    if problem is not None:
        assert problem in message


def test_it_accepts_a_7_day_minimum_only_when_the_file_says_so(tmp_path: Path) -> None:
    """The 8-day floor of R-16 lives in the rule set, not in code."""
    text = variant(
        version='"2030-01"',
        in_force_from="2030-01-01",
        certificate_min_days="7",
        certificate_days="7",
    )
    rule_sets = load_rule_sets([write(tmp_path, "2030-01.toml", text)])
    assert rule_set_for(date(2030, 1, 1), rule_sets).certificate_min_days == 7


@pytest.mark.parametrize(
    ("values", "clash"),
    [
        ({"in_force_from": "2027-01-01"}, "version 2025-01 is also used by"),
        ({"version": '"2027-01"'}, "in_force_from 2025-01-01 is also used by"),
    ],
)
def test_it_rejects_two_rule_sets_with_one_version_or_start(
    tmp_path: Path, values: dict[str, str], clash: str
) -> None:
    write(tmp_path, "clash.toml", variant(**values))
    with pytest.raises(InvalidRuleSet, match=clash) as raised:
        load_rule_sets([tmp_path])
    assert "2025-01.toml" in str(raised.value)
    assert "clash.toml" in str(raised.value)


def test_it_rejects_a_missing_extra_directory(tmp_path: Path) -> None:
    with pytest.raises(InvalidRuleSet, match="does not exist"):
        load_rule_sets([tmp_path / "nowhere"])


def test_it_ignores_files_that_are_not_toml(tmp_path: Path) -> None:
    assert load_rule_sets([write(tmp_path, "README.md", "# notes")]) == load_rule_sets()


@st.composite
def rule_set_lists(draw: st.DrawFn) -> list[RuleSet]:
    starts = draw(
        st.lists(
            st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
            unique=True,
            max_size=6,
        )
    )
    return [
        dataclasses.replace(SHIPPED, version=f"v{i}", in_force_from=start)
        for i, start in enumerate(starts)
    ]


@given(
    rule_sets=rule_set_lists(),
    on=st.dates(min_value=date(1999, 1, 1), max_value=date(2041, 12, 31)),
)
def test_it_picks_the_latest_rule_set_in_force_on_the_date(
    rule_sets: list[RuleSet], on: date
) -> None:
    in_force = [rs for rs in rule_sets if rs.in_force_from <= on]
    if not in_force:
        with pytest.raises(NoRuleSetInForce):
            rule_set_for(on, rule_sets)
        return
    chosen = rule_set_for(on, rule_sets)
    assert chosen.in_force_from <= on
    assert all(rs.in_force_from <= chosen.in_force_from for rs in in_force)
