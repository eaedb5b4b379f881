"""Long names and texts on the pages: a field error, never a 500 (issue: inputs that 500).

A letter's subject is built from a participant's name, so a 200-character
companion name once broke the letter; the pages now take the same lengths as
the API, and a subject that names someone long is cut to fit.

Issue 12, finding 6 (the pages).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from fasttrack.cases import letters
from fasttrack.cases.models import CaseNotice, NoticeKind
from fasttrack.lib.validation import MINUTES_LENGTH, NAME_LENGTH, TEXT_LENGTH
from fasttrack.meetings.models import Meeting
from fasttrack.notifications.models import Message
from fasttrack.web.case_forms import CloseForm, JournalNoteForm, PlanForm, WithdrawForm
from fasttrack.web.meeting_forms import AnswerForm, CancelMeetingForm, MeetingHeldForm


def test_a_200_character_companion_name_is_a_form_error(case, on_day, login, personas):
    response = login(personas.sagsbehandler).post(
        reverse("web:case_book_meeting", args=[case.pk]),
        {
            "kind": "first_conversation",
            "date": "2026-03-16",
            "time": "10:00",
            "location": "Jobcenter København",
            "participants": ["employee", "caseworker"],
            "companion_name": "B" * 200,
        },
    )

    assert response.status_code == 400
    assert 'id="id_companion_name-error"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_longest_name_the_page_takes_gives_letters_that_fit(book, on_day, personas):
    meeting = book(
        "first_conversation",
        participants=[{"user": None, "name": "B" * NAME_LENGTH, "party": "companion"}],
    )
    companion = meeting.participants.get(party="companion")
    companion.response = "declined"
    # The jobcentre's notice that the companion cannot come names them in its subject.
    notice = CaseNotice(case=meeting.case, kind=NoticeKind.MEETING_RESPONSE, key="long-name")
    context = letters.meeting_response_context(meeting.case, meeting, companion)
    with transaction.atomic():
        letters.send(letters.jobcentre_notice(meeting.case, notice, context))

    letter = Message.objects.get(kind="meeting_response", channel="inbox")
    assert "B" * NAME_LENGTH in letter.subject
    assert len(letter.subject) <= letters.SUBJECT_LENGTH


def test_a_subject_too_long_for_its_column_is_cut_with_an_ellipsis():
    long = "x" * 400

    fitted = letters._fitted(long)

    assert len(fitted) == letters.SUBJECT_LENGTH
    assert Message._meta.get_field("subject").max_length == letters.SUBJECT_LENGTH
    assert fitted.endswith("…")
    assert letters._fitted("Kort emne") == "Kort emne"


@pytest.mark.parametrize(
    ("form_class", "field", "limit", "extra"),
    [
        (CloseForm, "note", TEXT_LENGTH, {"outcome": "back_full_time"}),
        (WithdrawForm, "reason", TEXT_LENGTH, {}),
        (JournalNoteForm, "text", TEXT_LENGTH, {}),
        (AnswerForm, "reason", TEXT_LENGTH, {"response": "declined"}),
        (CancelMeetingForm, "reason", TEXT_LENGTH, {}),
        (MeetingHeldForm, "minutes", MINUTES_LENGTH, {"held_on": "2026-03-10"}),
        (PlanForm, "summary", 10000, {}),
    ],
)
def test_the_pages_free_text_has_the_apis_length_limit(form_class, field, limit, extra, db):
    at_limit = form_class(data={field: "æ" * limit, **extra})
    over = form_class(data={field: "æ" * (limit + 1), **extra})

    assert field not in at_limit.errors
    assert field in over.errors
