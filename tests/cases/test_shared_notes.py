"""The jobcentre's free text in the history reaches the employer side only when shared.

A close note or a withdraw reason may hold what the employee told the
jobcentre. HR and the nearest manager never read it on the case page, in
``/cases/{id}/events`` or in the ``/events`` feed, unless the caseworker
ticked "show it to the employer too", which the event records (and its hash
covers).

Issue 12, finding 4.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fasttrack.api.tokens import issue_token
from fasttrack.audit.chain import event_hash
from fasttrack.audit.models import CaseEvent
from fasttrack.audit.verify import verify_history
from fasttrack.audit.visibility import note_visible_to
from fasttrack.cases import actions
from fasttrack.people.models import Role
from tests.cases.conftest import EMPLOYEE_ANSWERS

SECRET = "CLOSE-NOTE-SECRET employee has cancer"
D0 = date(2026, 3, 2)
REQUESTED = date(2026, 3, 6)


@pytest.fixture
def awaiting(employer_request, personas) -> Any:
    case = employer_request(first_absence_day=D0, today=REQUESTED, nearest_manager=personas.leder)
    actions.assign_caseworker(case=case, actor=personas.sagsbehandler)
    return case


@pytest.fixture
def active(awaiting, personas) -> Any:
    actions.accept(case=awaiting, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    awaiting.refresh_from_db()
    return awaiting


def _api(user: Any, path: str) -> str:
    token = issue_token(user=user, name="test")[1]
    response = Client().get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.content
    return response.content.decode()


def _faces(case: Any, user: Any, login: Any) -> dict[str, str]:
    """Every place the history is read, as ``user`` reads it."""
    page = login(user).get(reverse("web:case_detail", args=[case.pk]))
    assert page.status_code == 200
    return {
        "case page": page.content.decode(),
        "case events": _api(user, f"/api/v1/cases/{case.pk}/events"),
        # The feed holds back the last seconds' events; a cursor from the start.
        "feed": _api(user, "/api/v1/events?limit=200"),
    }


def _close(case: Any, caseworker: Any, login: Any, **extra: str) -> Any:
    response = login(caseworker).post(
        reverse("web:case_close", args=[case.pk]),
        {"outcome": "back_full_time", "note": SECRET, **extra},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return CaseEvent.objects.get(case=case, verb="closed")


def _withdraw(case: Any, caseworker: Any, login: Any, **extra: str) -> Any:
    response = login(caseworker).post(
        reverse("web:case_withdraw", args=[case.pk]), {"reason": SECRET, **extra}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return CaseEvent.objects.get(case=case, verb="withdrawn")


@pytest.fixture(autouse=True)
def _settled(settings: Any) -> None:
    # The feed shows events once no earlier one can still be committed.
    settings.API_EVENT_FEED_SETTLE_SECONDS = 0


@pytest.mark.parametrize("step", ["close", "withdraw"])
def test_the_jobcentres_note_stays_off_every_employer_face_unless_shared(
    step, active_or_awaiting, personas, login, travel
):
    case = active_or_awaiting(step)
    travel(date(2026, 3, 9))
    event = (_close if step == "close" else _withdraw)(case, personas.sagsbehandler, login)

    assert event.note == SECRET
    assert event.note_shared_with_employer is False
    for user in (personas.hr, personas.leder):
        for face, text in _faces(case, user, login).items():
            assert "CLOSE-NOTE-SECRET" not in text, (user.username, face)
    for user in (personas.janni, personas.sagsbehandler):
        faces = _faces(case, user, login)
        assert SECRET in faces["case page"], user.username
        assert SECRET in faces["case events"], user.username


@pytest.fixture
def active_or_awaiting(awaiting, personas) -> Any:
    def _case(step: str) -> Any:
        if step == "close":
            actions.accept(case=awaiting, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
            awaiting.refresh_from_db()
        return awaiting

    return _case


@pytest.mark.parametrize("step", ["close", "withdraw"])
def test_a_note_the_caseworker_shares_reaches_the_employer_side(
    step, active_or_awaiting, personas, login, travel
):
    case = active_or_awaiting(step)
    travel(date(2026, 3, 9))
    event = (_close if step == "close" else _withdraw)(
        case, personas.sagsbehandler, login, note_shared_with_employer="on"
    )

    assert event.note_shared_with_employer is True
    for user in (personas.hr, personas.leder):
        for face, text in _faces(case, user, login).items():
            assert "CLOSE-NOTE-SECRET" in text, (user.username, face)
    assert verify_history([case.pk]).ok


def test_the_share_mark_is_covered_by_the_hash(active, personas, login, travel):
    travel(date(2026, 3, 9))
    event = _close(active, personas.sagsbehandler, login, note_shared_with_employer="on")
    assert verify_history([active.pk]).ok

    # The stored event with the mark taken away no longer matches its hash.
    unshared = replace(event.chain_fields(), note_shared_with_employer=False)
    assert event_hash(unshared) != event.hash
    assert event_hash(event.chain_fields()) == event.hash


def test_the_forms_offer_the_share_mark_unticked(active, awaiting, personas, login, travel):
    travel(date(2026, 3, 9))
    client = login(personas.sagsbehandler)

    page = client.get(reverse("web:case_close", args=[active.pk])).content.decode()

    assert 'name="note_shared_with_employer"' in page
    assert 'name="note_shared_with_employer" checked' not in page


def test_the_employer_side_reads_its_own_notes():
    own = CaseEvent(note="Vi trækker anmodningen", actor_role=Role.EMPLOYER)
    jobcentre = CaseEvent(note=SECRET, actor_role=Role.CASEWORKER)

    assert note_visible_to(Role.MANAGER, own) == "Vi trækker anmodningen"
    assert note_visible_to(Role.EMPLOYER, jobcentre) == ""
    assert note_visible_to(Role.EMPLOYEE, jobcentre) == SECRET
    assert note_visible_to(Role.CASEWORKER, jobcentre) == SECRET
