"""The change feed ``GET /events``: every visible case's history in one stream."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fasttrack.api.feed import FEED
from fasttrack.audit.models import CaseEvent
from fasttrack.cases import actions

FEED_PATH = "/api/v1/events"


@pytest.fixture(autouse=True)
def no_settle_window(settings):
    settings.API_EVENT_FEED_SETTLE_SECONDS = 0


def read_all(api, after=None, limit=50):
    """Every event the feed has now, following ``next``; and the last ``next``."""
    items = []
    while True:
        params = {"limit": limit} | ({"after": after} if after else {})
        response = api.get(FEED_PATH, **params)
        assert response.status_code == 200, response.json()
        page = response.json()
        assert page["next"]
        items += page["items"]
        after = page["next"]
        if not page["items"]:
            return items, after


@pytest.fixture
def two_cases(personas, make_case):
    first = make_case()
    second = make_case(cpr="0507762213")
    actions.accept(case=first, actor=personas.janni, answers=ANSWERS)
    actions.request_certificate(case=first, actor=personas.sagsbehandler)
    actions.add_journal_note(case=second, actor=personas.sagsbehandler, text="Called HR.")
    return first, second


ANSWERS = {
    "affected_functions": "Standing",
    "affected_duration": "A month",
    "adjustments_tried": "None yet",
}


def test_it_gives_the_events_of_every_case_in_the_order_they_happened(personas, api_as, two_cases):
    items, _ = read_all(api_as(personas.sagsbehandler), limit=3)

    stored = list(CaseEvent.objects.order_by("id"))
    assert [(i["case_id"], i["sequence"]) for i in items] == [
        (e.case_id, e.sequence) for e in stored
    ]
    assert {i["case_id"] for i in items} == {c.pk for c in two_cases}
    assert items[0] | {"at": None} == {
        "case_id": stored[0].case_id,
        "sequence": 1,
        "at": None,
        "verb": stored[0].verb,
        "actor_role": "employer",
        "actor_organisation": "Nordisk Fabrik A/S",
        "old": stored[0].old,
        "new": stored[0].new,
        "note": "",
    }


@pytest.mark.parametrize("username", ["hr", "leder", "janni", "laege", "sagsbehandler"])
def test_each_role_sees_exactly_what_the_case_history_shows_it(
    username, personas, api_as, two_cases
):
    api = api_as(personas.all()[username])

    items, _ = read_all(api)

    per_case = []
    for case in two_cases:
        response = api.get(f"/api/v1/cases/{case.pk}/events", limit=200)
        if response.status_code == 200:
            per_case += [{**e, "case_id": case.pk} for e in response.json()["items"]]
    key = lambda item: (item["case_id"], item["sequence"])  # noqa: E731
    assert sorted(items, key=key) == sorted(per_case, key=key)
    if username in ("hr", "leder"):
        assert items
        assert all(i["verb"] != "certificate_requested" for i in items)
        assert all("medical_certificate" not in str(i) for i in items)


def test_the_doctor_sees_no_history_but_gets_a_cursor(personas, api_as, two_cases):
    response = api_as(personas.laege).get(FEED_PATH)

    assert response.status_code == 200
    assert response.json()["items"] == []
    assert response.json()["next"]


def test_a_stranger_sees_nothing(personas, api_as, two_cases):
    items, _ = read_all(api_as(personas.anden_sagsbehandler))

    assert items == []


def test_next_is_always_a_cursor_to_poll_again_with(personas, api_as, make_case):
    api = api_as(personas.sagsbehandler)
    empty = api.get(FEED_PATH).json()
    assert empty == {"items": [], "next": empty["next"]}
    assert empty["next"]

    case = make_case()
    first = api.get(FEED_PATH, after=empty["next"]).json()
    assert [i["verb"] for i in first["items"]] == [
        e.verb for e in CaseEvent.objects.filter(case=case).order_by("id")
    ]

    nothing_new = api.get(FEED_PATH, after=first["next"]).json()
    assert nothing_new["items"] == []
    assert nothing_new["next"]

    actions.add_journal_note(case=case, actor=personas.sagsbehandler, text="Called Janni.")
    later = api.get(FEED_PATH, after=nothing_new["next"]).json()
    assert [i["verb"] for i in later["items"]] == ["note_added"]


@pytest.mark.parametrize(
    "make_cursor",
    [
        lambda: "not-a-cursor",
        # A signed cursor is made when the test runs: its signature carries the time.
        lambda: FEED.encode_values([1])[:-2] + "xx",
    ],
    ids=["not-a-cursor", "altered-signature"],
)
def test_an_invalid_or_altered_cursor_is_422(make_cursor, personas, api_as, two_cases):
    response = api_as(personas.sagsbehandler).get(FEED_PATH, after=make_cursor())

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["after"]


def test_an_empty_cursor_reads_from_the_start(personas, api_as, two_cases):
    response = api_as(personas.sagsbehandler).get(FEED_PATH, after="")

    assert response.status_code == 200
    assert response.json()["items"]


def test_a_cursor_of_another_list_is_422(personas, api_as, two_cases):
    api = api_as(personas.sagsbehandler)
    cases_cursor = api.get("/api/v1/cases", limit=1).json()["next"]
    assert cases_cursor

    response = api.get(FEED_PATH, after=cases_cursor)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["after"]


def test_events_appear_after_the_settle_window(personas, api_as, make_case, settings, time_machine):
    settings.API_EVENT_FEED_SETTLE_SECONDS = 30
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    api = api_as(personas.sagsbehandler)
    make_case()

    assert api.get(FEED_PATH).json()["items"] == []
    time_machine.move_to(now + timedelta(seconds=29), tick=False)
    assert api.get(FEED_PATH).json()["items"] == []
    time_machine.move_to(now + timedelta(seconds=30), tick=False)
    assert api.get(FEED_PATH).json()["items"]


def test_the_number_of_queries_does_not_grow_with_the_events(
    personas, api_as, make_case, django_assert_max_num_queries
):
    api = api_as(personas.sagsbehandler)
    make_case()
    api.get(FEED_PATH)  # warm up the token's last-used time

    with CaptureQueriesContext(connection) as one_case:
        assert len(api.get(FEED_PATH).json()["items"]) >= 1
    for cpr in ("0507762213", "0204751350"):
        case = make_case(cpr=cpr)
        actions.add_journal_note(case=case, actor=personas.sagsbehandler, text="Noted.")
    with django_assert_max_num_queries(len(one_case.captured_queries)):
        assert len(api.get(FEED_PATH, limit=200).json()["items"]) > 4


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL sequences")
@pytest.mark.django_db(transaction=True)
def test_an_event_committed_late_is_not_skipped(personas, api_as, make_case):
    slow_case = make_case()
    quick_case = make_case(cpr="0507762213")
    api = api_as(personas.sagsbehandler)
    _, start = read_all(api)
    written, release = threading.Event(), threading.Event()

    def slow_note() -> None:
        try:
            with transaction.atomic():
                actions.add_journal_note(case=slow_case, actor=personas.sagsbehandler, text="Slow")
                written.set()
                release.wait(timeout=20)
        finally:
            connections.close_all()

    slow = threading.Thread(target=slow_note)
    slow.start()
    try:
        assert written.wait(timeout=20)
        actions.add_journal_note(case=quick_case, actor=personas.sagsbehandler, text="Quick")
        quick = CaseEvent.objects.get(case=quick_case, verb="note_added")

        # The quick event has the higher id and is committed, but the slow one
        # could still commit below it: the feed holds the quick one back.
        held_back, after = read_all(api, after=start)
        assert held_back == []
    finally:
        release.set()
        slow.join(timeout=20)

    items, _ = read_all(api, after=after)
    slow_event = CaseEvent.objects.get(case=slow_case, verb="note_added")
    assert slow_event.pk < quick.pk
    assert [(i["case_id"], i["verb"]) for i in items] == [
        (slow_case.pk, "note_added"),
        (quick_case.pk, "note_added"),
    ]
