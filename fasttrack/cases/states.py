"""The case's states and the one table of what may happen in each (DESIGN.md §4).

States are coarse; progress is the set of milestones with their deadlines.
Every action in ``cases.actions`` asks this module before it changes anything,
so a new state or action is a change to these tables and nowhere else.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from fasttrack.cases.errors import InvalidTransition


class State(models.TextChoices):
    AWAITING_CONSENT = "awaiting_consent", _("Awaiting the employee's consent")
    ACTIVE = "active", _("Fast track running")
    DECLINED = "declined", _("Declined (normal track)")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed")


class Action(StrEnum):
    # Actions that move the case to another state.
    ACCEPT = "accept"
    DECLINE = "decline"
    FALL_BACK = "fall_back"
    CONTINUE_AFTER_LATE_CONSENT = "continue_after_late_consent"
    WITHDRAW = "withdraw"
    CLOSE = "close"
    # Actions that leave the state as it is.
    JOIN = "join"
    RECORD_LATE_CONSENT = "record_late_consent"
    RECORD_ANSWERS = "record_answers"
    REQUEST_CERTIFICATE = "request_certificate"
    RECORD_CERTIFICATE = "record_certificate"
    BOOK_MEETING = "book_meeting"
    REBOOK_MEETING = "rebook_meeting"
    CANCEL_MEETING = "cancel_meeting"
    ANSWER_INVITATION = "answer_invitation"
    RECORD_FIRST_CONVERSATION_HELD = "record_first_conversation_held"
    RECORD_RETENTION_MEETING_HELD = "record_retention_meeting_held"
    RECORD_PLAN = "record_plan"
    ADD_JOURNAL_NOTE = "add_journal_note"
    ASSIGN_CASEWORKER = "assign_caseworker"
    CONFIRM_PLAN = "confirm_plan"
    RESEND_LETTER = "resend_letter"
    RECORD_EMPLOYER_CONVERSATION = "record_employer_conversation"
    CONFIRM_IDENTITY = "confirm_identity"
    SET_NEAREST_MANAGER = "set_nearest_manager"
    SET_OWN_DOCTOR = "set_own_doctor"
    # The related documents (R-24) and the parties' comments on the plan (R-20).
    REQUEST_RETENTION_PLAN = "request_retention_plan"
    WORK_ON_DOCUMENT = "work_on_document"
    START_OPPORTUNITY_STATEMENT = "start_opportunity_statement"
    COMMENT_PLAN = "comment_plan"


# How an action is named inside a sentence ("You cannot %(action)s while
# …"); also the request, which is not an action on an existing case.
ACTION_LABELS = {
    Action.ACCEPT: _("accept Fast track"),
    Action.DECLINE: _("decline Fast track"),
    Action.FALL_BACK: _("fall back to the normal track"),
    Action.CONTINUE_AFTER_LATE_CONSENT: _("continue Fast track after a late consent"),
    Action.WITHDRAW: _("withdraw the request"),
    Action.CLOSE: _("close the case"),
    Action.CONFIRM_IDENTITY: _("confirm the employee's identity"),
    Action.SET_NEAREST_MANAGER: _("choose the nearest manager"),
    Action.SET_OWN_DOCTOR: _("give the employee's own doctor"),
    Action.JOIN: _("join the case"),
    Action.RECORD_LATE_CONSENT: _("record a late consent"),
    Action.RECORD_ANSWERS: _("answer the three questions"),
    Action.REQUEST_CERTIFICATE: _("request a medical certificate"),
    Action.RECORD_CERTIFICATE: _("record the medical certificate"),
    Action.BOOK_MEETING: _("book a meeting"),
    Action.REBOOK_MEETING: _("rebook the meeting"),
    Action.CANCEL_MEETING: _("cancel the meeting"),
    Action.ANSWER_INVITATION: _("answer the invitation"),
    Action.RECORD_FIRST_CONVERSATION_HELD: _("record the first follow-up conversation as held"),
    Action.RECORD_RETENTION_MEETING_HELD: _("record the retention meeting as held"),
    Action.RECORD_PLAN: _("record the plan"),
    Action.ADD_JOURNAL_NOTE: _("add a journal note"),
    Action.ASSIGN_CASEWORKER: _("assign the case"),
    Action.CONFIRM_PLAN: _("confirm the plan"),
    Action.RESEND_LETTER: _("send the letter again"),
    Action.RECORD_EMPLOYER_CONVERSATION: _("record your sick-absence conversation"),
    Action.REQUEST_RETENTION_PLAN: _("ask the employer for a fastholdelsesplan"),
    Action.WORK_ON_DOCUMENT: _("work on the document"),
    Action.START_OPPORTUNITY_STATEMENT: _("start a mulighedserklæring"),
    Action.COMMENT_PLAN: _("comment on the plan"),
    "request": _("request Fast track"),
}

TRANSITIONS: dict[State, dict[Action, State]] = {
    State.AWAITING_CONSENT: {
        Action.ACCEPT: State.ACTIVE,
        Action.DECLINE: State.DECLINED,
        Action.FALL_BACK: State.DECLINED,
        Action.CONTINUE_AFTER_LATE_CONSENT: State.ACTIVE,
        Action.WITHDRAW: State.WITHDRAWN,
    },
    State.ACTIVE: {
        Action.CLOSE: State.CLOSED,
    },
    State.DECLINED: {},
    State.WITHDRAWN: {},
    State.CLOSED: {},
}

_ACTIVE_WORK = frozenset(
    {
        Action.RECORD_ANSWERS,
        Action.REQUEST_CERTIFICATE,
        Action.RECORD_CERTIFICATE,
        Action.BOOK_MEETING,
        Action.REBOOK_MEETING,
        Action.CANCEL_MEETING,
        Action.ANSWER_INVITATION,
        Action.RECORD_FIRST_CONVERSATION_HELD,
        Action.RECORD_RETENTION_MEETING_HELD,
        Action.RECORD_PLAN,
        Action.CONFIRM_PLAN,
        Action.ADD_JOURNAL_NOTE,
        Action.REQUEST_RETENTION_PLAN,
        Action.WORK_ON_DOCUMENT,
        Action.START_OPPORTUNITY_STATEMENT,
        Action.COMMENT_PLAN,
    }
)

# A letter that failed can be sent again in every state: the letter that
# tells the parties the case ended matters as much as any other.
_ALWAYS = frozenset({Action.RESEND_LETTER})
# The employer's own conversation is the employer's duty whatever the
# employee answered, so it is recorded on the normal track too.
_EMPLOYER_WORK = frozenset({Action.RECORD_EMPLOYER_CONVERSATION})
# Who the case is about and who takes part, while Fast track may still run.
_PARTIES_WORK = frozenset(
    {Action.CONFIRM_IDENTITY, Action.SET_NEAREST_MANAGER, Action.SET_OWN_DOCTOR}
)
# What the normal track still does with its first conversation.
_MEETING_WORK = frozenset(
    {
        Action.BOOK_MEETING,
        Action.REBOOK_MEETING,
        Action.CANCEL_MEETING,
        Action.ANSWER_INVITATION,
        Action.RECORD_FIRST_CONVERSATION_HELD,
    }
)

# Actions that record something without moving the case.
ALLOWED: dict[State, frozenset[Action]] = {
    State.AWAITING_CONSENT: frozenset(
        {
            Action.JOIN,
            Action.RECORD_LATE_CONSENT,
            Action.ADD_JOURNAL_NOTE,
            Action.ASSIGN_CASEWORKER,
        }
    )
    | _PARTIES_WORK
    | _EMPLOYER_WORK
    | _ALWAYS,
    State.ACTIVE: _ACTIVE_WORK
    | {Action.JOIN, Action.ASSIGN_CASEWORKER}
    | _PARTIES_WORK
    | _EMPLOYER_WORK
    | _ALWAYS,
    # On the normal track the jobcentre still holds the first conversation at
    # D0 + 55, so it books and records it on the declined case.
    State.DECLINED: _MEETING_WORK
    | {Action.ADD_JOURNAL_NOTE, Action.ASSIGN_CASEWORKER}
    | _EMPLOYER_WORK
    | _ALWAYS,
    State.WITHDRAWN: frozenset({Action.ADD_JOURNAL_NOTE}) | _ALWAYS,
    # A meeting still booked when the case closed is cancelled afterwards, so
    # that it leaves every participant's calendar.
    State.CLOSED: frozenset({Action.CANCEL_MEETING, Action.ADD_JOURNAL_NOTE}) | _ALWAYS,
}

OPEN_STATES: frozenset[State] = frozenset(state for state, out in TRANSITIONS.items() if out)
TERMINAL_STATES: frozenset[State] = frozenset(TRANSITIONS) - OPEN_STATES


def can(state: str, action: Action) -> bool:
    current = State(state)
    return action in TRANSITIONS[current] or action in ALLOWED[current]


def require_transition(state: str, action: Action) -> State:
    """The state ``action`` leads to from ``state``; the same state for a recording."""
    current = State(state)
    if action in TRANSITIONS[current]:
        return TRANSITIONS[current][action]
    if action in ALLOWED[current]:
        return current
    raise InvalidTransition(state=current.value, action=action.value)
