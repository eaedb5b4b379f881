"""The caseworker takes a case from its page: the worklist and the letters follow."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fasttrack.audit.models import CaseEvent
from fasttrack.cases import actions
from fasttrack.cases.demo import EMPLOYEE_ANSWERS
from fasttrack.cases.errors import CaseAlreadyAssigned
from fasttrack.cases.models import FastTrackCase
from fasttrack.notifications.models import Message
from fasttrack.people.models import Membership, Role
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
        assigned = translation.gettext("You have taken the case.")
    client = login(personas.sagsbehandler)
    assert case.pk not in _listed(client.get(WORKLIST).content.decode())
    assert case.pk in _listed(client.get(WORKLIST, {"assignee": "queue"}).content.decode())
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
    assert case.pk in _listed(client.get(WORKLIST).content.decode())
    assert case.pk not in _listed(client.get(WORKLIST, {"assignee": "queue"}).content.decode())

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


def test_it_takes_a_case_from_the_queue_with_one_click_in_the_worklist(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    case = demo_cases["lars"]
    client = login(personas.sagsbehandler)
    queue = client.get(WORKLIST, {"assignee": "queue"}).content.decode()
    take = reverse("web:case_assign_to_me", args=[case.pk])
    assert f'action="{take}"' in queue

    response = client.post(take)

    assert response.status_code == 302
    assert response["Location"] == reverse("web:case_detail", args=[case.pk])
    case.refresh_from_db()
    assert case.caseworker == personas.sagsbehandler


def test_it_leaves_reassigning_to_the_jobcentre_manager(
    login: Callable[[User], Client],
    personas: Personas,
    demo_cases: dict[str, FastTrackCase],
    django_user_model: type[User],
) -> None:
    case = demo_cases["janni"]
    colleague = django_user_model.objects.create_user("kollega", first_name="Kim", last_name="Holm")
    Membership.objects.create(user=colleague, role=Role.CASEWORKER, municipality=case.municipality)
    actions.assign_caseworker(case=case, actor=colleague)

    # Another caseworker cannot take a case that is someone's.
    other = login(personas.sagsbehandler).get(reverse("web:case_detail", args=[case.pk]))
    assert reverse("web:case_assign_to_me", args=[case.pk]) not in other.content.decode()
    with pytest.raises(CaseAlreadyAssigned):
        actions.assign_caseworker(case=case, actor=personas.sagsbehandler)

    # The manager reassigns it from the case page; the new caseworker is told.
    manager = login(personas.jobcenterchef)
    page = manager.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert reverse("web:case_assign", args=[case.pk]) in page
    response = manager.post(
        reverse("web:case_assign", args=[case.pk]), {"caseworker": personas.sagsbehandler.pk}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.caseworker == personas.sagsbehandler
    assert Message.objects.filter(
        case_id=case.pk, kind="case_assigned", recipient_user=personas.sagsbehandler
    ).exists()
    worklist = login(personas.sagsbehandler).get(WORKLIST).content.decode()
    assert f'<tr data-case="{case.pk}" data-urgency="soon" data-new="true">' in worklist


def test_it_refuses_the_manager_a_caseworker_of_another_municipality(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    case = demo_cases["janni"]

    response = login(personas.jobcenterchef).post(
        reverse("web:case_assign", args=[case.pk]),
        {"caseworker": personas.anden_sagsbehandler.pk},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.caseworker is None
    # Only the manager assigns: a caseworker's post is 404 like any page not theirs.
    url = reverse("web:case_assign", args=[case.pk])
    assert login(personas.sagsbehandler).post(url, {"caseworker": 1}).status_code == 404
