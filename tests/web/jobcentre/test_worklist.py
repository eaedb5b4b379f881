"""The caseworker's worklist: order, marks, filters, the logged CPR search, query counts."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from fasttrack.audit.models import AccessAction, AccessLogEntry
from fasttrack.cases import actions
from fasttrack.cases.demo import EMPLOYEE_ANSWERS
from fasttrack.cases.models import Channel, FastTrackCase
from fasttrack.people.models import Person
from tests.conftest import Personas

WORKLIST = "/jobcenter/"
ALL = {"assignee": "all"}


def _rows(page: str) -> list[tuple[str, str]]:
    """(case id, urgency) per worklist row, in page order."""
    return re.findall(r'<tr data-case="(\d+)" data-urgency="(\w+)"', page)


def test_it_lists_the_municipalitys_cases_by_next_deadline_with_marks(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    page = login(personas.sagsbehandler).get(WORKLIST, ALL).content.decode()

    rows = _rows(page)
    ids = {int(case_id) for case_id, _ in rows}
    assert ids == {demo_cases[n].pk for n in ("janni", "ahmed", "mette", "lars", "hanne")}
    expected_order = sorted(
        (demo_cases[n] for n in ("janni", "ahmed", "mette", "lars", "hanne")),
        key=lambda c: (FastTrackCase.objects.get(pk=c.pk).next_deadline_on, c.pk),
    )
    assert [int(case_id) for case_id, _ in rows] == [c.pk for c in expected_order]
    marks = {int(case_id): mark for case_id, mark in rows}
    # Lars' first conversation was due 11 days ago and never held.
    assert marks[demo_cases["lars"].pk] == "overdue"
    # Janni's consent is due 2 banking days after the letter of 16 November.
    assert marks[demo_cases["janni"].pk] == "soon"
    # Hanne declined: the normal track's conversation is weeks away.
    assert marks[demo_cases["hanne"].pk] == "later"
    assert "Peter Andersen" not in page and "Henrik Olsen" not in page
    assert "120381-xxxx" in page and "1203814562" not in page


def _ids(client: Client, params: dict[str, str]) -> set[int]:
    return {int(i) for i, _ in _rows(client.get(WORKLIST, params).content.decode())}


def test_it_filters_by_state_deadline_and_overdue_in_the_address(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    client = login(personas.sagsbehandler)

    assert _ids(client, {**ALL, "state": "awaiting_consent"}) == {demo_cases["janni"].pk}
    assert _ids(client, {**ALL, "filter": "overdue"}) == {demo_cases["lars"].pk}
    assert _ids(client, {**ALL, "deadline": "employee_consent"}) == {demo_cases["janni"].pk}
    # Janni's consent is due within 2 banking days; Ahmed's certificate is due today.
    assert _ids(client, {**ALL, "filter": "soon"}) == {
        demo_cases["janni"].pk,
        demo_cases["ahmed"].pk,
    }


def test_it_opens_on_my_cases_with_the_queue_one_click_away(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    client = login(personas.sagsbehandler)
    page = client.get(WORKLIST).content.decode()

    mine = {demo_cases[n].pk for n in ("ahmed", "mette", "hanne")}
    assert {int(i) for i, _ in _rows(page)} == mine
    queue = {demo_cases["janni"].pk, demo_cases["lars"].pk}
    assert _ids(client, {"assignee": "queue"}) == queue
    assert 'href="/jobcenter/?assignee=queue"' in page
    assert _ids(client, {"assignee": str(personas.sagsbehandler.pk)}) == mine
    # Each row names its caseworker; a queued case offers to take it.
    assert "Sofie Bech" in page
    queued = client.get(WORKLIST, {"assignee": "queue"}).content.decode()
    assert queued.count("data-take=") == 2


def test_it_swaps_only_the_results_for_htmx(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    page = (
        login(personas.sagsbehandler)
        .get(WORKLIST, {"state": "active"}, HTTP_HX_REQUEST="true")
        .content.decode()
    )

    assert page.lstrip().startswith("<section") or 'id="worklist-results"' in page[:200]
    assert "<html" not in page


def test_it_searches_by_cpr_by_post_and_logs_the_search_masked(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    # A search looks through all the cases, also the queue's: Janni's is there.
    response = login(personas.sagsbehandler).post(WORKLIST, {"q": "120381-4562"})

    assert response.status_code == 200  # answered directly: no redirect carries the CPR
    assert [int(i) for i, _ in _rows(response.content.decode())] == [demo_cases["janni"].pk]
    entry = AccessLogEntry.objects.get(action=AccessAction.SEARCH)
    assert entry.criterion == "120381-xxxx"
    assert entry.username == "sagsbehandler"
    # The page itself never offers a GET form or link with the CPR.
    assert "4562" not in response.content.decode().split('id="worklist-search"')[0]


@pytest.mark.cpr_in_url
def test_it_ignores_a_search_in_the_address(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    page = login(personas.sagsbehandler).get(WORKLIST, {**ALL, "q": "1203814562"}).content.decode()

    assert len(_rows(page)) == 5
    assert not AccessLogEntry.objects.filter(action=AccessAction.SEARCH).exists()


def test_it_searches_by_name(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    page = login(personas.sagsbehandler).post(WORKLIST, {"q": "mette"}).content.decode()

    assert [int(i) for i, _ in _rows(page)] == [demo_cases["mette"].pk]
    assert AccessLogEntry.objects.get(action=AccessAction.SEARCH).criterion == "mette"


def _more_cases(personas: Personas, today: Any) -> None:
    for cpr in ("0909951986", "3001684005", "1706912744", "0112837531"):
        person = Person.objects.with_cpr(cpr).get()
        employment = person.employments.first()
        actions.request_fast_track(
            actor=personas.sagsbehandler,
            person=person,
            employer=employment.employer if employment else None,
            first_absence_day=today - timedelta(days=5),
            expects_over_8_weeks=True,
            answers=EMPLOYEE_ANSWERS,
            requested_by="caseworker",
            channel=Channel.PHONE,
        )


def test_it_keeps_the_query_count_flat_as_cases_grow(
    login: Callable[[User], Client],
    personas: Personas,
    demo_cases: dict[str, FastTrackCase],
    frozen: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = login(personas.sagsbehandler)
    client.get(WORKLIST)  # warm the session and the user's membership
    # The rows, the count on each of the three tabs, the caseworkers to filter
    # by, and one INSERT logging every case shown.
    with django_assert_max_num_queries(13) as before:
        assert len(_rows(client.get(WORKLIST, ALL).content.decode())) == 5

    _more_cases(personas, frozen)

    with django_assert_max_num_queries(len(before.captured_queries)):
        assert len(_rows(client.get(WORKLIST, ALL).content.decode())) == 9


@pytest.mark.parametrize("username", ["hr", "leder", "janni", "laege"])
def test_it_answers_404_to_other_roles(
    login: Callable[[User], Client],
    personas: Personas,
    demo_cases: dict[str, FastTrackCase],
    username: str,
) -> None:
    client = login(personas.all()[username])

    assert client.get(WORKLIST).status_code == 404
    assert client.get(reverse("web:register_request")).status_code == 404


def test_it_shows_the_other_municipality_only_its_own_cases(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    client = login(personas.anden_sagsbehandler)
    page = client.get(WORKLIST, ALL).content.decode()

    own = {demo_cases["henrik"].pk, demo_cases["camilla"].pk}
    assert {int(i) for i, _ in _rows(page)} == own
    assert client.get(reverse("web:case_detail", args=[demo_cases["janni"].pk])).status_code == 404


def test_it_shows_the_jobcentre_manager_all_cases_without_taking_any(
    login: Callable[[User], Client], personas: Personas, demo_cases: dict[str, FastTrackCase]
) -> None:
    client = login(personas.jobcenterchef)
    page = client.get(WORKLIST).content.decode()

    assert len(_rows(page)) == 5
    assert "data-take=" not in page
    assert 'data-assignee="mine"' not in page
    assert client.get(reverse("web:register_request")).status_code == 404
