"""The first opening of the invitation and the minutes is kept, never a later one."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections

from fasttrack.meetings.models import MeetingParticipant
from fasttrack.meetings.tracking import mark_invitation_opened, mark_minutes_opened
from tests.meetings.conftest import at


def test_it_keeps_the_first_time_the_invitation_was_opened(book):
    participant = book().participants.get(party="employee")

    assert mark_invitation_opened(participant.pk, at=at(date(2026, 3, 9), 8)) is True
    assert mark_invitation_opened(participant.pk, at=at(date(2026, 3, 10), 9)) is False

    participant.refresh_from_db()
    assert participant.invitation_opened_at == at(date(2026, 3, 9), 8)
    assert participant.minutes_opened_at is None


def test_it_keeps_the_first_time_the_minutes_were_opened_apart_from_the_invitation(book):
    participant = book().participants.get(party="nearest_manager")
    mark_invitation_opened(participant.pk, at=at(date(2026, 3, 9)))

    assert mark_minutes_opened(participant.pk, at=at(date(2026, 3, 21))) is True
    assert mark_minutes_opened(participant.pk, at=at(date(2026, 3, 22))) is False

    participant.refresh_from_db()
    assert participant.invitation_opened_at == at(date(2026, 3, 9))
    assert participant.minutes_opened_at == at(date(2026, 3, 21))


def test_it_does_not_overwrite_a_time_another_process_wrote_after_this_one_read(book):
    participant = book().participants.get(party="employee")
    stale = MeetingParticipant.objects.get(pk=participant.pk)
    mark_invitation_opened(participant.pk, at=at(date(2026, 3, 9)))

    # This process read the row before the other one wrote: the condition is
    # checked by the database, not on the stale copy.
    assert stale.invitation_opened_at is None
    assert mark_invitation_opened(stale.pk, at=at(date(2026, 3, 10))) is False
    stale.refresh_from_db()
    assert stale.invitation_opened_at == at(date(2026, 3, 9))


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_many_simultaneous_first_visits_win(book):
    participant = book().participants.get(party="employee")
    barrier = threading.Barrier(6)
    results: list[bool] = []
    lock = threading.Lock()

    def visit(hour: int) -> None:
        try:
            barrier.wait()
            won = mark_invitation_opened(participant.pk, at=at(date(2026, 3, 9), hour))
            with lock:
                results.append(won)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=visit, args=(8 + i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == [False] * 5 + [True]
    participant.refresh_from_db()
    assert participant.invitation_opened_at in {at(date(2026, 3, 9), 8 + i) for i in range(6)}
