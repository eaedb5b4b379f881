"""Every list that shows persons logs one read per person shown (R-25; Issue 12, finding 7).

A list is logged with one INSERT however long it is: the cost of logging a
page of many cases is the same as of a page of two.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fasttrack.api.tokens import issue_token
from fasttrack.audit.models import AccessAction, AccessLogEntry, Purpose
from fasttrack.cases.models import FastTrackCase
from fasttrack.notifications.models import InboxItem
from tests.api.conftest import ApiClient
from tests.audit.conftest import AHMED_CPR, JANNI_CPR, MakeCase
from tests.conftest import Personas
from tests.notifications.conftest import run_due_tasks

Login = Callable[[User], Client]
HANNE_CPR = "0204751350"  # a third employee of Nordisk Fabrik


@pytest.fixture
def api_as(db: None) -> Callable[[User], ApiClient]:
    return lambda user: ApiClient(issue_token(user=user, name="list reads")[1])


@pytest.fixture
def two_cases(make_case: MakeCase) -> list[FastTrackCase]:
    return [make_case(cpr=JANNI_CPR), make_case(cpr=AHMED_CPR)]


def _reads_by(user: User) -> list[tuple[int | None, int | None, str]]:
    entries = AccessLogEntry.objects.filter(user=user, action=AccessAction.READ).order_by("id")
    return [(e.person_id, e.case_id, e.purpose) for e in entries]


def _shown(cases: list[FastTrackCase], purpose: str) -> set[tuple[int, int, str]]:
    return {(c.absence.person_id, c.pk, purpose) for c in cases}


def _inserts_into_the_log(context: CaptureQueriesContext) -> int:
    return sum(
        1
        for query in context.captured_queries
        if query["sql"].startswith("INSERT") and "audit_accesslogentry" in query["sql"]
    )


@pytest.mark.parametrize(
    ("persona", "url", "purpose"),
    [
        ("sagsbehandler", "/jobcenter/?assignee=all", Purpose.CASE_WORK),
        ("jobcenterchef", "/jobcenter/", Purpose.SUPERVISION),
        ("hr", "/arbejdsgiver/", Purpose.EMPLOYER_FOLLOWUP),
    ],
)
def test_it_logs_each_case_a_list_page_shows_in_one_insert(
    login: Login,
    personas: Personas,
    two_cases: list[FastTrackCase],
    persona: str,
    url: str,
    purpose: str,
) -> None:
    user = personas.all()[persona]
    client = login(user)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200

    assert set(_reads_by(user)) == _shown(two_cases, purpose)
    assert len(_reads_by(user)) == 2
    assert _inserts_into_the_log(queries) == 1


def test_it_logs_the_manager_s_and_the_employee_s_start_pages(
    login: Login, personas: Personas, two_cases: list[FastTrackCase]
) -> None:
    janni_case = two_cases[0]
    FastTrackCase.objects.filter(pk=janni_case.pk).update(nearest_manager=personas.leder)

    login(personas.leder).get("/leder/")
    login(personas.janni).get("/borger/")

    assert _reads_by(personas.leder) == [
        (janni_case.absence.person_id, janni_case.pk, Purpose.EMPLOYER_FOLLOWUP)
    ]
    assert _reads_by(personas.janni) == [
        (janni_case.absence.person_id, janni_case.pk, Purpose.OWN_DATA)
    ]


def test_it_logs_nothing_for_an_empty_list(login: Login, personas: Personas) -> None:
    with CaptureQueriesContext(connection) as queries:
        login(personas.anden_sagsbehandler).get("/jobcenter/")

    assert _reads_by(personas.anden_sagsbehandler) == []
    assert _inserts_into_the_log(queries) == 0


def test_it_logs_the_cases_of_the_letters_in_the_inbox(
    login: Login, personas: Personas, two_cases: list[FastTrackCase]
) -> None:
    # The request wrote Janni a letter about her case; delivered, her inbox shows it.
    run_due_tasks()
    assert InboxItem.objects.filter(user=personas.janni, case_id=two_cases[0].pk).exists()
    login(personas.janni).get("/indbakke/")

    assert (two_cases[0].absence.person_id, two_cases[0].pk, Purpose.OWN_DATA) in set(
        _reads_by(personas.janni)
    )


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/events"])
def test_it_logs_each_case_an_api_list_shows_in_one_insert(
    api_as: Callable[[User], Any],
    personas: Personas,
    two_cases: list[FastTrackCase],
    path: str,
    settings: Any,
) -> None:
    settings.API_EVENT_FEED_SETTLE_SECONDS = -60
    api = api_as(personas.sagsbehandler)

    with CaptureQueriesContext(connection) as queries:
        response = api.get(path)

    assert response.status_code == 200
    items = response.json()["items"]
    assert {item["case_id"] if "case_id" in item else item["id"] for item in items} == {
        c.pk for c in two_cases
    }
    assert set(_reads_by(personas.sagsbehandler)) == _shown(two_cases, Purpose.CASE_WORK)
    assert _inserts_into_the_log(queries) == 1


def test_a_longer_list_costs_no_more_queries(
    api_as: Callable[[User], Any], personas: Personas, make_case: MakeCase
) -> None:
    api = api_as(personas.sagsbehandler)
    make_case(cpr=JANNI_CPR)
    api.get("/api/v1/cases")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as one:
        api.get("/api/v1/cases")
    for cpr in [AHMED_CPR, HANNE_CPR]:
        make_case(cpr=cpr)
    with CaptureQueriesContext(connection) as three:
        api.get("/api/v1/cases")

    assert len(three.captured_queries) == len(one.captured_queries)
    assert AccessLogEntry.objects.filter(user=personas.sagsbehandler).count() == 2 + 3


def test_it_logs_the_case_of_a_letter_opened_in_the_inbox(
    login: Login, personas: Personas, two_cases: list[FastTrackCase]
) -> None:
    run_due_tasks()
    item = InboxItem.objects.filter(user=personas.janni, case_id=two_cases[0].pk).first()
    assert item is not None

    assert login(personas.janni).get(f"/indbakke/{item.pk}/").status_code == 200

    assert _reads_by(personas.janni) == [
        (two_cases[0].absence.person_id, two_cases[0].pk, Purpose.OWN_DATA)
    ]
