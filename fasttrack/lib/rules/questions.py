"""The three questions about the illness and the job (R-06, R-08).

Answers are stored with the version of the question set they answered, so the
wording of a published version must never change: a new wording is a new
version, chosen by the rule set's ``question_set``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from fasttrack.lib.rules.frozen import FrozenMapping

Language = Literal["da", "en"]

QUESTION_KEYS: tuple[str, ...] = ("affected_functions", "affected_duration", "adjustments_tried")


@dataclass(frozen=True)
class Question:
    key: str
    da: str
    en: str

    def text(self, language: Language) -> str:
        return self.da if language == "da" else self.en


@dataclass(frozen=True)
class QuestionSet:
    version: str
    # In the order they are asked; keyed by QUESTION_KEYS.
    questions: Mapping[str, Question]

    def __post_init__(self) -> None:
        if tuple(self.questions) != QUESTION_KEYS:
            raise ValueError(f"Question set {self.version} must ask exactly {QUESTION_KEYS}.")

    def __getitem__(self, key: str) -> Question:
        return self.questions[key]


def _question_set(version: str, *questions: Question) -> QuestionSet:
    return QuestionSet(version, FrozenMapping({q.key: q for q in questions}))


# The Danish wording is that of bek. 1710 § 3, stk. 1, turned into questions.
_QUESTION_SETS: Mapping[str, QuestionSet] = FrozenMapping(
    {
        "2025-01": _question_set(
            "2025-01",
            Question(
                "affected_functions",
                da="Hvilke arbejdsfunktioner er påvirket af sygdommen?",
                en="Which job functions are affected by the illness?",
            ),
            Question(
                "affected_duration",
                da="Hvor længe har sygdommen påvirket arbejdet?",
                en="For how long has the illness affected the work?",
            ),
            Question(
                "adjustments_tried",
                da="Er arbejdet forsøgt tilpasset den sygemeldtes tilstand?",
                en=(
                    "Has anyone tried to adapt the work to the condition "
                    "of the person on sick leave?"
                ),
            ),
        ),
    }
)


def question_set(version: str) -> QuestionSet:
    """The question set of ``version``; ``KeyError`` if there is none."""
    try:
        return _QUESTION_SETS[version]
    except KeyError:
        raise KeyError(f"There is no question set with version {version!r}.") from None


def question_set_versions() -> frozenset[str]:
    return frozenset(_QUESTION_SETS)
