"""The meeting letters: one per sequence, and nothing private for the employer side."""

from __future__ import annotations

from django.db import transaction

from fasttrack.cases import actions, letters
from fasttrack.meetings.models import Meeting
from fasttrack.notifications.models import Message
from tests.meetings.conftest import SUMMER, WINTER, at

MINUTES = "Janni fortalte om sin diskusprolaps og smertestillende medicin."
EMPLOYEE_TASK = "Tal med egen læge om genoptræning"
MANAGER_TASK = "Find opgaver uden tunge løft"
REASON = "Janni skal til MR-scanning den dag."


def _keys(kind: str) -> list[str]:
    return sorted(Message.objects.filter(kind=kind).values_list("dedupe_key", flat=True))


def test_it_gives_each_rebooking_its_own_letters_but_a_retry_none(book, case, personas, rebook):
    meeting = book()
    rebook(meeting, starts_at=at(SUMMER), reason="x")
    first = _keys("meeting_rebooked")
    assert first and all(f":{meeting.pk}:1:" in key for key in first)

    # The same letters again, as a retried action would write them: nothing new.
    meeting = Meeting.objects.get(pk=meeting.pk)
    old = {"starts_at": at(WINTER, 13).isoformat(), "location": "", "video_url": ""}
    with transaction.atomic():
        letters.send(letters.meeting_rebooked(case, meeting, old=old, reason="x"))
    assert _keys("meeting_rebooked") == first

    rebook(meeting, starts_at=at(WINTER), reason="y")
    second = [key for key in _keys("meeting_rebooked") if key not in first]
    assert len(second) == len(first)
    assert all(f":{meeting.pk}:2:" in key for key in second)


def test_it_sends_every_participant_with_a_login_the_rebooking_and_the_cancellation(
    book, case, personas, rebook
):
    meeting = book(participants=[{"name": "Tom Tillid", "party": "union_representative"}])
    rebook(meeting, starts_at=at(SUMMER), reason="x")
    actions.cancel_meeting(case=case, actor=personas.sagsbehandler, meeting=meeting, reason="y")

    for kind in ("meeting_rebooked", "meeting_cancelled"):
        inboxes = Message.objects.filter(kind=kind, channel="inbox")
        assert [m.recipient_user_id for m in inboxes.order_by("recipient_user_id")] == sorted(
            [personas.janni.pk, personas.leder.pk, personas.sagsbehandler.pk]
        )


def test_it_keeps_the_reason_out_of_the_employer_sides_letters(book, case, personas, rebook):
    meeting = book()
    rebook(
        meeting,
        starts_at=at(SUMMER),
        reason=REASON,
    )
    actions.cancel_meeting(case=case, actor=personas.sagsbehandler, meeting=meeting, reason=REASON)

    for message in Message.objects.filter(kind__in=["meeting_rebooked", "meeting_cancelled"]):
        if message.to_employer:
            assert REASON not in message.body_text, message.dedupe_key
        else:
            assert REASON in message.body_text, message.dedupe_key
    assert Message.objects.filter(to_employer=True, kind="meeting_cancelled").exists()


def _held(case, personas, meeting, travel):
    # Recorded on the meeting's day: not before it has come.
    travel(WINTER)
    actions.record_meeting_held(
        case=case,
        actor=personas.sagsbehandler,
        meeting=meeting,
        held_on=WINTER,
        minutes=MINUTES,
        tasks=[
            {"party": "employee", "description": EMPLOYEE_TASK, "due_on": SUMMER},
            {"party": "nearest_manager", "description": MANAGER_TASK, "due_on": None},
        ],
    )


def test_it_tells_each_participant_the_minutes_are_ready_with_only_their_own_tasks(
    book, case, personas, travel
):
    meeting = book()
    _held(case, personas, meeting, travel)

    sent = {
        m.recipient_user_id: m
        for m in Message.objects.filter(kind="meeting_minutes_ready", channel="inbox")
    }
    janni, leder = personas.janni.pk, personas.leder.pk
    # The caseworker wrote the minutes and gets no letter about them.
    assert set(sent) == {janni, leder}
    assert EMPLOYEE_TASK in sent[janni].body_text
    assert "31. marts 2026" in sent[janni].body_text
    assert MANAGER_TASK not in sent[janni].body_text
    assert MANAGER_TASK in sent[leder].body_text
    assert EMPLOYEE_TASK not in sent[leder].body_text
    assert sent[leder].to_employer


def test_it_never_puts_the_minutes_in_a_letter(book, case, personas, travel):
    meeting = book()
    _held(case, personas, meeting, travel)

    for message in Message.objects.filter(case_id=case.pk):
        assert MINUTES not in message.body_text, message.dedupe_key
        assert MINUTES not in message.subject


def test_it_renders_the_new_meeting_letters_in_danish_and_english(book, case, personas, rebook):
    meeting = book()
    person = case.absence.person
    person.preferred_language = "en"
    person.save(update_fields=["preferred_language"])
    rebook(meeting, starts_at=at(SUMMER), reason="x")

    to_janni = Message.objects.get(
        kind="meeting_rebooked", channel="inbox", recipient_user=personas.janni
    )
    to_leder = Message.objects.get(
        kind="meeting_rebooked", channel="inbox", recipient_user=personas.leder
    )
    assert to_janni.language == "en"
    assert "New time: 31 March 2026 at 10:00 (was 20 March 2026 at 13:00)" in to_janni.body_text
    assert "Ny tid: 31. marts 2026 kl. 10:00 (før 20. marts 2026 kl. 13:00)" in to_leder.body_text
    assert f"/sager/{case.pk}/moeder/{meeting.pk}/" in to_leder.body_text
