"""The caseworker takes a case from its page: the worklist and the letters follow."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fasttrack.audit.models import CaseEvent
from fasttrack.cases import actions
from fasttrack.cases.demo import EMPLOYEE_ANSWERS
from fasttrack.cases.models import FastTrackCase
from fasttrack.notifications.models import Message
from tests.conftest import Personas

WORKLIST = "/jobcenter/"


def _listed(page: str) -> set[int]:
    return {int(case_id) for case_id in re.findall(r'<tr data-case="(\d+)"', page)}


def test_it_lets_the_caseworker_take_the_case_and_its_letters(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    case = demo_cases["janni"]
    # Pages speak Danish unless the user switched; compare with the catalogue.
    with translation.override("da"):
        not_assigned = translation.gettext("Not assigned")
        assigned = translation.gettext("The case is assigned to you.")
    client = login(personas.sagsbehandler)
    assert _listed(client.get(WORKLIST, {"assigned": "mine"}).content.decode()) == set()
    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert not_assigned in page
    assert reverse("web:case_assign_to_me", args=[case.pk]) in page

    response = client.post(reverse("web:case_assign_to_me", args=[case.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("web:case_detail", args=[case.pk])
    page = response.content.decode()
    assert assigned in page
    assert "Sofie Bech" in page
    assert reverse("web:case_assign_to_me", args=[case.pk]) not in page
    case.refresh_from_db()
    assert case.caseworker == personas.sagsbehandler
    assert CaseEvent.objects.filter(case=case, verb="caseworker_assigned").count() == 1
    assert _listed(client.get(WORKLIST, {"assigned": "mine"}).content.decode()) == {case.pk}

    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)

    assert Message.objects.filter(
        case_id=case.pk,
        kind="consent_given",
        channel="inbox",
        recipient_user=personas.sagsbehandler,
    ).exists()


def test_it_takes_the_button_only_as_a_post_from_a_caseworker(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    case = demo_cases["janni"]
    url = reverse("web:case_assign_to_me", args=[case.pk])

    assert login(personas.sagsbehandler).get(url).status_code == 405
    assert login(personas.jobcenterchef).post(url).status_code == 404
    assert login(personas.anden_sagsbehandler).post(url).status_code == 404
    assert login(personas.hr).post(url).status_code == 404
    case.refresh_from_db()
    assert case.caseworker is None
