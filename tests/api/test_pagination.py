"""Cursor pagination: keyset order, signed cursors, one query per page."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from fasttrack.api.pagination import CursorPaginator, SortKey
from fasttrack.api.problems import InvalidInput

# Users' last_login is nullable, like a case's next_deadline_on.
BY_LAST_LOGIN = CursorPaginator("test-users", SortKey("last_login"), SortKey("id"))


@pytest.fixture
def users(db: None) -> list[User]:
    base = timezone.now()
    logins = [None, base, base, None, base - datetime.timedelta(days=1), base, None]
    return [
        User.objects.create(username=f"user{n}", last_login=login) for n, login in enumerate(logins)
    ]


def walk(paginator: CursorPaginator, queryset, limit: int) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        page = paginator.page(queryset, cursor=cursor, limit=limit)
        pages.append([user.pk for user in page.items])
        cursor = page.next
        if cursor is None:
            return pages


def expected_order(users: list[User], *, descending: bool = False) -> list[int]:
    with_login = sorted(
        (u for u in users if u.last_login), key=lambda u: (u.last_login, u.pk), reverse=descending
    )
    without = sorted((u for u in users if not u.last_login), key=lambda u: u.pk, reverse=descending)
    return [u.pk for u in with_login + without]


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 50])
def test_it_walks_the_whole_list_in_order_with_nulls_last(users, limit):
    pages = walk(BY_LAST_LOGIN, User.objects.all(), limit)

    assert [pk for page in pages for pk in page] == expected_order(users)
    assert all(len(page) <= limit for page in pages)
    assert pages[-1] or len(pages) == 1


def test_it_walks_descending_with_nulls_last(users):
    paginator = CursorPaginator(
        "test-users-desc", SortKey("last_login", descending=True), SortKey("id", descending=True)
    )

    pages = walk(paginator, User.objects.all(), 2)

    assert [pk for page in pages for pk in page] == expected_order(users, descending=True)


def test_it_walks_with_nulls_first(users):
    paginator = CursorPaginator(
        "test-users-nulls-first", SortKey("last_login", nulls_last=False), SortKey("id")
    )

    pages = walk(paginator, User.objects.all(), 2)

    nulls = sorted(u.pk for u in users if not u.last_login)
    assert [pk for page in pages for pk in page] == nulls + expected_order(users)[: -len(nulls)]


def test_it_ends_with_next_null_and_no_empty_page(users):
    page = BY_LAST_LOGIN.page(User.objects.all(), limit=len(users))

    assert len(page.items) == len(users)
    assert page.next is None


def test_it_gives_the_same_cursor_for_the_same_position(users):
    first = BY_LAST_LOGIN.page(User.objects.all(), limit=2).next
    again = BY_LAST_LOGIN.page(User.objects.all(), limit=2).next

    assert first == again


def test_it_neither_repeats_nor_skips_when_rows_arrive_between_pages(users):
    first = BY_LAST_LOGIN.page(User.objects.all(), limit=3)
    User.objects.create(username="early", last_login=timezone.now() - datetime.timedelta(days=9))

    rest = walk_from(first.next)

    seen = [u.pk for u in first.items] + rest
    assert len(seen) == len(set(seen))
    assert set(seen) == {u.pk for u in users}


def walk_from(cursor: str | None) -> list[int]:
    seen: list[int] = []
    while cursor:
        page = BY_LAST_LOGIN.page(User.objects.all(), cursor=cursor, limit=2)
        seen += [u.pk for u in page.items]
        cursor = page.next
    return seen


def test_it_pages_by_id_after_a_known_id_for_event_feeds(users):
    by_id = CursorPaginator("test-events", SortKey("id"))

    page = by_id.page(User.objects.all(), after_values=[users[2].pk], limit=2)

    assert [u.pk for u in page.items] == [users[3].pk, users[4].pk]


def test_it_round_trips_dates_and_nulls_in_cursors():
    # As for the case list's next_deadline_on (a date, or null).
    paginator = CursorPaginator("test-dates", SortKey("next_deadline_on"), SortKey("id"))

    def row(deadline: datetime.date | None, pk: int) -> object:
        return type("Row", (), {"next_deadline_on": deadline, "id": pk})()

    for deadline in (datetime.date(2026, 11, 3), None):
        cursor = paginator.encode_cursor(row(deadline, 5))
        assert paginator.decode_cursor(cursor) == [deadline, 5]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda cursor: cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"),
        lambda cursor: "x" + cursor,
        lambda cursor: "garbage",
        lambda cursor: CursorPaginator(
            "other-list", SortKey("last_login"), SortKey("id")
        ).encode_cursor(User.objects.first()),
    ],
)
def test_it_refuses_a_tampered_or_foreign_cursor(users, tamper):
    cursor = BY_LAST_LOGIN.page(User.objects.all(), limit=2).next
    assert cursor is not None

    with pytest.raises(InvalidInput) as error:
        BY_LAST_LOGIN.page(User.objects.all(), cursor=tamper(cursor), limit=2)
    assert list(error.value.errors) == ["cursor"]


def test_it_fetches_a_page_in_one_query(users, django_assert_num_queries):
    cursor = BY_LAST_LOGIN.page(User.objects.all(), limit=2).next

    with django_assert_num_queries(1):
        BY_LAST_LOGIN.page(User.objects.all(), cursor=cursor, limit=2)


def test_it_answers_a_tampered_cursor_with_a_422_problem(personas, api_as):
    response = api_as(personas.hr).get("/api/v1/me/tokens", cursor="not-a-cursor")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["cursor"]


@pytest.mark.parametrize("limit", [0, 201, "many"])
def test_it_refuses_a_limit_out_of_range(personas, api_as, limit):
    response = api_as(personas.hr).get("/api/v1/me/tokens", limit=limit)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["limit"]
