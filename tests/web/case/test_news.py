"""The worklist marks what is new to a case's caseworker until she opens the case."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fasttrack.cases import actions
from fasttrack.cases.demo import EMPLOYEE_ANSWERS
from fasttrack.cases.models import FastTrackCase
from tests.conftest import Personas, give_second_factor


def _new(page: str) -> set[int]:
    return {int(i) for i in re.findall(r'<tr data-case="(\d+)"[^>]*data-new="true"', page)}


def test_it_marks_a_case_new_until_its_caseworker_opens_it(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    case = demo_cases["janni"]
    actions.assign_caseworker(case=case, actor=personas.sagsbehandler)
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    client = login(personas.sagsbehandler)

    assert case.pk in _new(client.get("/jobcenter/").content.decode())
    assert _new(client.get("/jobcenter/", {"filter": "new"}).content.decode()) == {case.pk}
    # The manager looking does not make it seen.
    manager = Client()
    manager.force_login(personas.jobcenterchef)
    give_second_factor(manager, personas.jobcenterchef)
    manager.get(reverse("web:case_detail", args=[case.pk]))
    assert case.pk in _new(client.get("/jobcenter/").content.decode())

    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()

    with translation.override("da"):
        said_yes = translation.gettext("The employee said yes")
    assert 'id="case-news"' in page and said_yes in page
    assert case.pk not in _new(client.get("/jobcenter/").content.decode())
    assert (
        'id="case-news"'
        not in client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    )


def test_it_shows_the_queues_news_in_every_inbox_at_the_jobcentre(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    case = demo_cases["janni"]
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)

    for user in (personas.sagsbehandler, personas.jobcenterchef):
        inbox = login(user).get(reverse("web:inbox")).content.decode()
        assert 'id="inbox-queue"' in inbox
        assert reverse("web:case_detail", args=[case.pk]) in inbox
    other = login(personas.anden_sagsbehandler).get(reverse("web:inbox")).content.decode()
    assert reverse("web:case_detail", args=[case.pk]) not in other
    assert 'id="inbox-queue"' not in login(personas.hr).get(reverse("web:inbox")).content.decode()
