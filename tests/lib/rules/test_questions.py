"""The three questions (R-06) and their versioned wording (R-08)."""

from __future__ import annotations

import pickle

import pytest

from fasttrack.lib.rules import QUESTION_KEYS, load_rule_sets, question_set


def test_it_asks_the_three_questions_in_order_R06() -> None:
    assert QUESTION_KEYS == ("affected_functions", "affected_duration", "adjustments_tried")
    assert tuple(question_set("2025-01").questions) == QUESTION_KEYS


def test_it_uses_the_wording_of_bek_1710_section_3_R06_R08() -> None:
    questions = question_set("2025-01")
    assert questions.version == "2025-01"
    assert [questions[key].text("da") for key in QUESTION_KEYS] == [
        "Hvilke arbejdsfunktioner er påvirket af sygdommen?",
        "Hvor længe har sygdommen påvirket arbejdet?",
        "Er arbejdet forsøgt tilpasset den sygemeldtes tilstand?",
    ]


def test_it_has_english_wording_for_every_question_R08() -> None:
    for question in question_set("2025-01").questions.values():
        assert question.text("en").endswith("?")
        assert question.text("en") != question.text("da")


def test_it_refuses_an_unknown_question_set_version_R08() -> None:
    with pytest.raises(KeyError, match="2099-01"):
        question_set("2099-01")


def test_it_has_the_question_set_every_rule_set_names_R08() -> None:
    for rule_set in load_rule_sets():
        assert question_set(rule_set.question_set).version == rule_set.question_set


def test_it_survives_pickling_R08() -> None:
    questions = question_set("2025-01")
    assert pickle.loads(pickle.dumps(questions)) == questions  # noqa: S301 - our own bytes
