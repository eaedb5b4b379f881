"""Versioned rule sets: every number of the rules, with the date it applies from.

The rules changed in 2025 and change again with the sygedagpenge reform, and a
case keeps the rule set in force on its request date. So the numbers live in
TOML files (``rulesets/*.toml``, one per version, never edited once published)
and code only ever reads them from a ``RuleSet``.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable
from operator import attrgetter
from pathlib import Path
from typing import Any

from fasttrack.lib.rules.errors import NoRuleSetInForce, UnknownRuleSet
from fasttrack.lib.rules.frozen import FrozenMapping
from fasttrack.lib.rules.keys import BASIS_KEYS
from fasttrack.lib.rules.questions import question_set_versions


class InvalidRuleSet(ValueError):
    """A rule set file that cannot be trusted; a deployment error, not a user's."""


@dataclass(frozen=True)
class RuleSet:
    version: str
    in_force_from: date
    request_window_days: int
    expected_absence_weeks: int
    consent_banking_days: int
    certificate_days: int
    certificate_min_days: int
    first_conversation_days: int
    normal_track_first_conversation_days: int
    retention_meeting_months: int
    retention_meeting_fallback_days: int
    employer_conversation_days: int
    partial_leave_min_hours_per_week: int
    certificate_fee_ore: int
    retention_plan_answer_days: int
    opportunity_statement_doctor_days: int
    plan_evaluation_reminder_days: int
    retention_plan_answer_reminder_banking_days: int
    opportunity_statement_doctor_reminder_banking_days: int
    question_set: str
    # The legal citation per deadline key; left out of the hash (a mapping has
    # none) so that rule sets can still be dictionary keys.
    basis: Mapping[str, str] = field(hash=False)

    def __post_init__(self) -> None:
        _check(self)
        object.__setattr__(self, "basis", FrozenMapping(self.basis))


# Counts that may legitimately be zero; every other count must be at least 1.
_MAY_BE_ZERO = frozenset(
    {"request_window_days", "retention_meeting_fallback_days", "certificate_fee_ore"}
)
_TEXT_FIELDS = frozenset({"version", "question_set"})


def _check(rule_set: RuleSet) -> None:
    for name in (f.name for f in fields(RuleSet)):
        _check_field(name, getattr(rule_set, name))
    if rule_set.certificate_days < rule_set.certificate_min_days:
        raise InvalidRuleSet(
            f"certificate_days ({rule_set.certificate_days}) is below "
            f"certificate_min_days ({rule_set.certificate_min_days})"
        )
    if rule_set.question_set not in question_set_versions():
        raise InvalidRuleSet(f"question_set {rule_set.question_set!r} does not exist")


def _check_field(name: str, value: object) -> None:
    if name == "basis":
        _check_basis(value)
    elif name == "in_force_from":
        # A TOML datetime is a date subclass but has no business here.
        if type(value) is not date:
            raise InvalidRuleSet(f"in_force_from must be a date (YYYY-MM-DD), not {value!r}")
    elif name in _TEXT_FIELDS:
        if not isinstance(value, str) or not value.strip():
            raise InvalidRuleSet(f"{name} must be a non-empty string, not {value!r}")
    else:
        _check_count(name, value)


def _check_count(name: str, value: object) -> None:
    minimum = 0 if name in _MAY_BE_ZERO else 1
    # bool is an int subclass, and `true` is never a meaningful count.
    if type(value) is not int or value < minimum:
        raise InvalidRuleSet(f"{name} must be a whole number of at least {minimum}, not {value!r}")


def _check_basis(value: object) -> None:
    if not isinstance(value, Mapping):
        raise InvalidRuleSet("basis must be a table of legal citations")
    if missing := BASIS_KEYS - set(value):
        raise InvalidRuleSet(f"basis lacks {', '.join(sorted(missing))}")
    if unknown := set(value) - BASIS_KEYS:
        raise InvalidRuleSet(f"basis has unknown keys {', '.join(sorted(unknown))}")
    for key, citation in value.items():
        if not isinstance(citation, str) or not citation.strip():
            raise InvalidRuleSet(f"basis.{key} must be a non-empty string")


_FIELD_NAMES = frozenset(f.name for f in fields(RuleSet))


def parse_rule_set(source: str, text: str) -> RuleSet:
    """Parse one rule set file; ``source`` names it in every error."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
        if missing := _FIELD_NAMES - set(data):
            raise InvalidRuleSet(f"missing {', '.join(sorted(missing))}")
        if unknown := set(data) - _FIELD_NAMES:
            raise InvalidRuleSet(f"unknown keys {', '.join(sorted(unknown))}")
        return RuleSet(**data)
    except (tomllib.TOMLDecodeError, InvalidRuleSet) as error:
        raise InvalidRuleSet(f"Rule set {source}: {error}") from error


def _read_dir(directory: Traversable) -> list[tuple[str, RuleSet]]:
    if not directory.is_dir():
        raise InvalidRuleSet(f"Rule set directory {directory} does not exist")
    files = sorted((f for f in directory.iterdir() if f.name.endswith(".toml")), key=str)
    return [(str(f), parse_rule_set(str(f), f.read_text(encoding="utf-8"))) for f in files]


def _combine(loaded: list[tuple[str, RuleSet]]) -> tuple[RuleSet, ...]:
    _refuse_duplicates(loaded, "version")
    _refuse_duplicates(loaded, "in_force_from")
    return tuple(sorted((rs for _, rs in loaded), key=attrgetter("in_force_from")))


def _refuse_duplicates(loaded: list[tuple[str, RuleSet]], attribute: str) -> None:
    # Two files with one version, or one start date, would make the rule set of
    # a case depend on the order the files happen to be read in.
    seen: dict[object, str] = {}
    for source, rule_set in loaded:
        value = getattr(rule_set, attribute)
        if value in seen:
            raise InvalidRuleSet(
                f"Rule set {source}: {attribute} {value} is also used by {seen[value]}"
            )
        seen[value] = source


def _packaged_dir() -> Traversable:
    return resources.files("fasttrack.lib.rules") / "rulesets"


def load_rule_sets(extra_dirs: Iterable[Path] = ()) -> tuple[RuleSet, ...]:
    """The shipped rule sets plus those in ``extra_dirs``, oldest first.

    Rule set files are deployment configuration, so each combination of
    directories is read once per process; a new file needs a restart.
    """
    return _load_rule_sets(tuple(Path(directory) for directory in extra_dirs))


@functools.cache
def _load_rule_sets(extra_dirs: tuple[Path, ...]) -> tuple[RuleSet, ...]:
    loaded = _read_dir(_packaged_dir())
    for directory in extra_dirs:
        loaded.extend(_read_dir(directory))
    return _combine(loaded)


def rule_set_for(on: date, rule_sets: Iterable[RuleSet] | None = None) -> RuleSet:
    """The rule set in force on ``on``: the latest that started on or before it."""
    candidates = load_rule_sets() if rule_sets is None else rule_sets
    in_force = [rs for rs in candidates if rs.in_force_from <= on]
    if not in_force:
        raise NoRuleSetInForce(on=on)
    return max(in_force, key=attrgetter("in_force_from"))


def rule_set_by_version(version: str, rule_sets: Iterable[RuleSet] | None = None) -> RuleSet:
    """The rule set a case recorded, looked up by its version."""
    candidates = load_rule_sets() if rule_sets is None else rule_sets
    for rule_set in candidates:
        if rule_set.version == version:
            return rule_set
    raise UnknownRuleSet(version=version)
