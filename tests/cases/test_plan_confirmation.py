"""Each new plan version is sent to the parties, who confirm the current one once (R-20)."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
from django.db import transaction
from django.utils import translation

from fasttrack.audit.models import CaseEvent
from fasttrack.cases import actions, letters
from fasttrack.cases.errors import (
    InvalidPlanVersion,
    InvalidTransition,
    NotPermitted,
    PlanAlreadyConfirmed,
    PlanVersionNotCurrent,
    localized_message,
)
from fasttrack.cases.models import FastTrackCase
from fasttrack.notifications.models import Message
from fasttrack.plans.models import PlanVersion
from tests.cases.conftest import EMPLOYEE_ANSWERS, JANNI_CPR

D0 = date(2026, 2, 23)
REQUESTED = date(2026, 3, 2)
# The plan may name a treatment: health data that stays on the case.
SUMMARY = "Janni følger genoptræning for sin diskusprolaps og starter på 20 timer."
MEASURE = "Fysioterapi to gange om ugen"


@pytest.fixture
def active(employer_request, personas, travel) -> FastTrackCase:
    case = employer_request(first_absence_day=D0, today=REQUESTED, nearest_manager=personas.leder)
    FastTrackCase.objects.filter(pk=case.pk).update(caseworker=personas.sagsbehandler)
    travel(date(2026, 3, 3))
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    case.refresh_from_db()
    return case


def _plan(case: FastTrackCase, personas, summary: str = SUMMARY) -> PlanVersion:
    return actions.record_plan(
        case=case,
        actor=personas.sagsbehandler,
        summary=summary,
        measures=[
            {
                "kind": "treatment",
                "description": MEASURE,
                "owner": "Janni",
                "due_on": date(2026, 4, 1),
            }
        ],
        partial_leave_hours_per_week=17,
        evaluate_on=date(2026, 4, 15),
    )


def _recipients(case: FastTrackCase, kind: str) -> list[tuple[str, str, bool]]:
    return sorted(
        (m.channel, m.recipient_user.username if m.recipient_user else "-", m.to_employer)
        for m in Message.objects.filter(case_id=case.pk, kind=kind).select_related("recipient_user")
    )


# --- the letters of a new version ------------------------------------------------------


def test_it_asks_the_employee_hr_and_the_nearest_manager_to_confirm_a_new_version(active, personas):
    _plan(active, personas)

    assert _recipients(active, "plan_recorded") == [
        ("inbox", "hr", True),
        ("inbox", "janni", False),
        ("inbox", "leder", True),
    ]
    to_janni = Message.objects.get(
        case_id=active.pk, kind="plan_recorded", channel="inbox", recipient_user=personas.janni
    )
    assert "version 1" in to_janni.subject
    assert "Bekræft planen" in to_janni.body_text
    assert "15. april 2026" in to_janni.body_text


def test_it_puts_nothing_of_the_plans_text_in_any_letter(active, personas):
    _plan(active, personas)

    for message in Message.objects.filter(case_id=active.pk, kind="plan_recorded"):
        text = f"{message.subject}\n{message.body_text}"
        for secret in (SUMMARY, MEASURE, "diskusprolaps"):
            assert secret not in text, (message.dedupe_key, secret)


def test_it_gives_each_new_version_its_own_letters_and_a_retry_none(active, personas):
    first = _plan(active, personas)
    with transaction.atomic():
        letters.send(letters.plan_recorded(active, first))
    assert Message.objects.filter(case_id=active.pk, kind="plan_recorded").count() == 3

    second = _plan(active, personas, summary="Fuld tid fra 1. maj.")

    sent = Message.objects.filter(case_id=active.pk, kind="plan_recorded")
    assert sent.count() == 6
    assert sent.filter(dedupe_key__endswith=f":{second.pk}").count() == 3


def test_it_writes_the_plan_letter_in_the_employees_language(active, personas, demo_world):
    person = demo_world.persons[JANNI_CPR]
    person.preferred_language = "en"
    person.save(update_fields=["preferred_language"])

    _plan(active, personas)

    to_janni = Message.objects.get(
        case_id=active.pk, kind="plan_recorded", recipient_user=personas.janni
    )
    assert to_janni.language == "en"
    assert "Confirm the plan" in to_janni.body_text


def test_a_failing_plan_leaves_no_letter_and_no_version(active, personas):
    with (
        mock.patch.object(actions, "_finish", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        _plan(active, personas)

    assert not Message.objects.filter(case_id=active.pk, kind="plan_recorded").exists()
    assert not PlanVersion.objects.filter(plan__case=active).exists()


# --- confirming --------------------------------------------------------------------------


def test_the_employee_and_the_nearest_manager_each_confirm_the_current_version(active, personas):
    version = _plan(active, personas)

    actions.confirm_plan(case=active, actor=personas.janni, version=version)
    actions.confirm_plan(case=active, actor=personas.leder, version=version)

    version.refresh_from_db()
    assert version.employee_confirmed_by == personas.janni
    assert version.employer_confirmed_by == personas.leder
    assert version.employee_confirmed_at is not None
    assert version.employer_confirmed_at is not None
    events = CaseEvent.objects.filter(case=active, verb="plan_confirmed").order_by("sequence")
    assert [(e.actor, e.new["party"], e.new["version"], e.old["confirmed_at"]) for e in events] == [
        (personas.janni, "employee", 1, None),
        (personas.leder, "employer", 1, None),
    ]
    assert all(e.visible_to_employer for e in events)


def test_hr_may_confirm_for_the_employer(active, personas):
    version = _plan(active, personas)

    actions.confirm_plan(case=active, actor=personas.hr, version=version)

    version.refresh_from_db()
    assert version.employer_confirmed_by == personas.hr
    assert version.employee_confirmed_at is None


def test_it_tells_the_caseworker_of_each_confirmation(active, personas):
    version = _plan(active, personas)

    actions.confirm_plan(case=active, actor=personas.janni, version=version)
    actions.confirm_plan(case=active, actor=personas.hr, version=version)

    sent = list(Message.objects.filter(case_id=active.pk, kind="plan_confirmed").order_by("pk"))
    assert [(m.recipient_user, m.channel, m.to_employer) for m in sent] == [
        (personas.sagsbehandler, "inbox", False),
        (personas.sagsbehandler, "inbox", False),
    ]
    assert "medarbejderen" in sent[0].subject
    assert "Helle Rasmussen" in sent[1].body_text
    assert "Både medarbejderen og arbejdsgiveren" in sent[1].body_text
    assert SUMMARY not in sent[1].body_text


def test_confirming_twice_is_refused_with_who_and_when(active, personas, travel):
    version = _plan(active, personas)
    actions.confirm_plan(case=active, actor=personas.leder, version=version)
    travel(date(2026, 3, 4))

    with pytest.raises(PlanAlreadyConfirmed) as refused:
        actions.confirm_plan(case=active, actor=personas.hr, version=version)

    with translation.override("en"):
        message = localized_message(refused.value)
    assert "Lars Eriksen" in message
    assert "Employer" in message
    assert refused.value.params["confirmed_on"] == date(2026, 3, 3)
    with pytest.raises(PlanAlreadyConfirmed):
        actions.confirm_plan(case=active, actor=personas.leder, version=version)
    assert Message.objects.filter(case_id=active.pk, kind="plan_confirmed").count() == 1


def test_a_new_version_needs_new_confirmations(active, personas):
    first = _plan(active, personas)
    actions.confirm_plan(case=active, actor=personas.janni, version=first)

    second = _plan(active, personas, summary="Fuld tid fra 1. maj.")

    with pytest.raises(PlanVersionNotCurrent) as refused:
        actions.confirm_plan(case=active, actor=personas.leder, version=first)
    assert refused.value.params == {"version": 1, "current": 2}
    assert second.employee_confirmed_at is None
    actions.confirm_plan(case=active, actor=personas.janni, version=second)
    second.refresh_from_db()
    assert second.employee_confirmed_by == personas.janni


def test_only_the_parties_to_the_plan_may_confirm_it(active, personas):
    version = _plan(active, personas)

    for actor in (personas.sagsbehandler, personas.jobcenterchef):
        with pytest.raises(NotPermitted):
            actions.confirm_plan(case=active, actor=actor, version=version)
    # Not a party to the case at all.
    with pytest.raises(NotPermitted):
        actions.confirm_plan(case=active, actor=personas.anden_hr, version=version)
    version.refresh_from_db()
    assert version.employee_confirmed_at is None and version.employer_confirmed_at is None


def test_it_refuses_a_version_of_another_case(active, personas, demo_world):
    version = _plan(active, personas)
    other = actions.request_fast_track(
        actor=personas.anden_hr,
        person=demo_world.persons["1402704127"],
        employer=demo_world.employers["40112235"],
        first_absence_day=D0,
        expects_over_8_weeks=True,
        answers={},
        requested_by="employer",
        channel="web",
    )[0]
    actions.accept(case=other, actor=personas.sagsbehandler, answers=EMPLOYEE_ANSWERS)

    with pytest.raises(InvalidPlanVersion):
        actions.confirm_plan(case=other, actor=personas.anden_hr, version=version)


def test_a_closed_case_takes_no_confirmation(active, personas):
    version = _plan(active, personas)
    actions.close(case=active, actor=personas.sagsbehandler, outcome="back_full_time")

    with pytest.raises(InvalidTransition):
        actions.confirm_plan(case=active, actor=personas.janni, version=version)


def test_a_failing_confirmation_leaves_neither_confirmation_nor_letter(active, personas):
    version = _plan(active, personas)

    with (
        mock.patch.object(actions, "_finish", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        actions.confirm_plan(case=active, actor=personas.janni, version=version)

    version.refresh_from_db()
    assert version.employee_confirmed_at is None
    assert not Message.objects.filter(case_id=active.pk, kind="plan_confirmed").exists()
    assert not CaseEvent.objects.filter(case=active, verb="plan_confirmed").exists()
