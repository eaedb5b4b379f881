"""'Bekræft planen' on the case page and the start pages (R-20)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from fasttrack.cases import actions
from fasttrack.cases.demo import EMPLOYEE_ANSWERS
from fasttrack.cases.errors import PlanVersionNotCurrent, localized_message
from fasttrack.cases.models import FastTrackCase
from fasttrack.plans.models import PlanVersion
from tests.conftest import Personas


def _plan(case: FastTrackCase, personas: Personas, summary: str = "Gradvis start.") -> PlanVersion:
    return actions.record_plan(
        case=case,
        actor=personas.sagsbehandler,
        summary=summary,
        measures=[],
        evaluate_on=date(2026, 12, 15),
    )


@pytest.fixture
def planned(demo_cases: dict[str, FastTrackCase], personas: Personas) -> PlanVersion:
    """Janni accepted, and the caseworker wrote version 1 of her plan."""
    case = demo_cases["janni"]
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    return _plan(case, personas)


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _case_url(version: PlanVersion) -> str:
    return reverse("web:case_detail", args=[version.plan.case_id])


def _confirm_url(version: PlanVersion) -> str:
    return reverse("web:case_confirm_plan", args=[version.plan.case_id, version.pk])


def test_the_employee_confirms_the_plan_from_the_case_page(
    login: Callable[[User], Client], personas: Personas, planned: PlanVersion
) -> None:
    client = login(personas.janni)
    page = _page(client, _case_url(planned))
    assert f'id="confirm-plan-{planned.pk}"' in page
    assert 'data-unconfirmed="employee"' in page

    response = client.post(_confirm_url(planned))

    assert response.status_code == 302
    assert response["Location"] == _case_url(planned)
    planned.refresh_from_db()
    assert planned.employee_confirmed_by == personas.janni
    page = _page(client, _case_url(planned))
    assert f'id="confirm-plan-{planned.pk}"' not in page
    assert 'data-confirmed="employee"' in page
    assert "Janni Mikkelsen" in page.split('data-confirmed="employee"', 1)[1].split("</li>")[0]


def test_the_nearest_manager_confirms_from_the_start_page_and_hr_then_sees_who(
    login: Callable[[User], Client], personas: Personas, planned: PlanVersion
) -> None:
    manager = login(personas.leder)
    start = _page(manager, reverse("web:manager_start"))
    assert f'id="confirm-plan-{planned.pk}"' in start

    manager.post(_confirm_url(planned))

    hr_page = _page(login(personas.hr), _case_url(planned))
    assert f'id="confirm-plan-{planned.pk}"' not in hr_page
    confirmed = hr_page.split('data-confirmed="employer"', 1)[1].split("</li>")[0]
    assert "Lars Eriksen" in confirmed
    assert 'data-unconfirmed="employee"' in hr_page


def test_the_employee_sees_the_button_on_her_start_page(
    login: Callable[[User], Client], personas: Personas, planned: PlanVersion
) -> None:
    start = _page(login(personas.janni), reverse("web:employee_start"))

    assert f'id="confirm-plan-{planned.pk}"' in start


@pytest.mark.parametrize("username", ["sagsbehandler", "jobcenterchef"])
def test_the_jobcentre_sees_the_confirmations_without_a_button(
    login: Callable[[User], Client], personas: Personas, planned: PlanVersion, username: str
) -> None:
    actions.confirm_plan(case=planned.plan.case, actor=personas.janni, version=planned)

    page = _page(login(personas.all()[username]), _case_url(planned))

    assert 'data-confirmed="employee"' in page
    assert 'data-unconfirmed="employer"' in page
    assert 'id="confirm-plan-' not in page


@pytest.mark.parametrize(
    "username", ["sagsbehandler", "jobcenterchef", "laege", "anden-hr", "anden-sagsbehandler"]
)
def test_it_answers_404_to_a_confirmation_by_anyone_else(
    login: Callable[[User], Client], personas: Personas, planned: PlanVersion, username: str
) -> None:
    response = login(personas.all()[username]).post(_confirm_url(planned))

    assert response.status_code == 404
    planned.refresh_from_db()
    assert planned.employee_confirmed_at is None and planned.employer_confirmed_at is None


def test_it_answers_404_for_a_version_of_another_case(
    login: Callable[[User], Client],
    personas: Personas,
    planned: PlanVersion,
    demo_cases: dict[str, FastTrackCase],
) -> None:
    url = reverse("web:case_confirm_plan", args=[demo_cases["ahmed"].pk, planned.pk])

    assert login(personas.hr).post(url).status_code == 404
    assert login(personas.hr).get(_confirm_url(planned)).status_code == 405


def test_it_explains_why_a_replaced_version_cannot_be_confirmed(
    login: Callable[[User], Client], personas: Personas, planned: PlanVersion
) -> None:
    client = login(personas.janni)
    _plan(planned.plan.case, personas, summary="Fuld tid fra januar.")

    response = client.post(_confirm_url(planned), follow=True)

    with translation.override("da"):
        expected = escape(localized_message(PlanVersionNotCurrent(version=1, current=2)))
    assert expected in response.content.decode()
    planned.refresh_from_db()
    assert planned.employee_confirmed_at is None
    # The new version waits for her confirmation.
    assert 'data-unconfirmed="employee"' in response.content.decode()
