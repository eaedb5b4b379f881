"""The letters each action sends: pure builders, one per kind (R-10, R-15, R-18).

Each builder reads the case and returns the ``Letter`` values to put in the
outbox; ``send`` enqueues them and must run inside the action's transaction,
so a letter exists exactly when the change that caused it was committed.

The text of every kind lives in one template per language,
``notifications/<kind>.<language>.txt``: the first line is the subject, the
rest the body. Nothing medical goes into any body (R-18): a notification only
says that something happened and where to read it, and the employer's letters
never carry the employee's answers either (R-09).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from fasttrack.cases import clock
from fasttrack.cases.models import (
    Answers,
    CaseDeadline,
    CaseNotice,
    FastTrackCase,
    NoticeKind,
    Party,
)
from fasttrack.lib.rules import (
    QUESTION_KEYS,
    employee_consent,
    first_followup_conversation,
    question_set,
    rule_set_by_version,
)
from fasttrack.meetings.access import may_see_meeting
from fasttrack.meetings.calendar import invitation_ics
from fasttrack.meetings.calendar import method as calendar_method
from fasttrack.meetings.models import Party as MeetingParty
from fasttrack.notifications.outbox import (
    Attachment,
    OutgoingMessage,
    enqueue_new_messages,
    ics_attachment,
)
from fasttrack.people.models import Membership, Role, language_of, membership_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from fasttrack.cases.models import ConsentDecision
    from fasttrack.medical.models import CertificateRequest
    from fasttrack.meetings.models import Meeting, MeetingParticipant
    from fasttrack.plans.models import PlanVersion


@dataclass(frozen=True)
class Letter:
    """One message for the outbox, with everything ``enqueue_message`` needs."""

    dedupe_key: str
    kind: str
    channel: str
    subject: str
    body_text: str
    case_id: int
    recipient_user: Any = None
    recipient_person: Any = None
    recipient_address: str = ""
    language: str = "da"
    attachments: Sequence[Attachment] = field(default_factory=tuple)
    to_employer: bool = False
    # The case's municipality, which Digital Post names as the sender.
    sender_municipality: Any = None


def send(letters: Iterable[Letter]) -> int:
    """Put the letters in the outbox; call inside the action's ``transaction.atomic()``.

    All of them in one batch: the outbox writes any number of letters in a
    fixed number of statements. Returns how many were not in the outbox yet.
    """
    new = enqueue_new_messages(
        [
            OutgoingMessage(
                dedupe_key=letter.dedupe_key,
                kind=letter.kind,
                channel=letter.channel,
                subject=letter.subject,
                body_text=letter.body_text,
                recipient_user=letter.recipient_user,
                recipient_person=letter.recipient_person,
                recipient_address=letter.recipient_address,
                language=letter.language,
                attachments=tuple(letter.attachments),
                case_id=letter.case_id,
                to_employer=letter.to_employer,
                sender_municipality=letter.sender_municipality,
            )
            for letter in letters
        ]
    )
    return len(new)


# --- rendering and recipients ----------------------------------------------------


def render(kind: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """The subject (first line) and body of ``kind`` in ``language``.

    Rendered in that language whatever the page's, so that month names and
    labels match the letter's words.
    """
    with translation.override(language):
        text = render_to_string(f"notifications/{kind}.{language}.txt", context)
    subject, _, body = text.strip().partition("\n")
    return _fitted(subject.strip()), body.strip() + "\n"


# As long as a subject may be (``Message.subject``); e-mail clients show less.
SUBJECT_LENGTH = 250


def _fitted(subject: str) -> str:
    """The subject, cut with an ellipsis where names put in it make it too long;
    the body still says everything."""
    if len(subject) <= SUBJECT_LENGTH:
        return subject
    return subject[: SUBJECT_LENGTH - 1].rstrip() + "…"


def absolute_url(path: str) -> str:
    """A page's full address (``SITE_URL``), so a link works in an e-mail or a letter."""
    return f"{settings.SITE_URL}{path}"


def _key(case: FastTrackCase, kind: str, recipient: str, *extra: object) -> str:
    return ":".join(["case", str(case.pk), kind, recipient, *(str(e) for e in extra)])


class Recipients:
    """Who the letters of some cases go to, each kind of recipient read once for all
    of them, when first asked for.

    A builder asked about one case makes ``Recipients([case])``; the sweep makes
    one for its whole chunk and hands it to every builder it calls, so that a
    thousand reminders cost what one does in statements. The users come with
    their membership and person, which the letters' languages and the outbox's
    employer check read.
    """

    def __init__(self, cases: Iterable[FastTrackCase]) -> None:
        self.cases = list(cases)

    def employee_user(self, case: FastTrackCase) -> User | None:
        return self._employee_users.get(case.absence.person_id)

    def hr_users(self, case: FastTrackCase) -> list[User]:
        if case.absence.employer_id is None:
            return []
        return self._hr_users.get(case.absence.employer_id, [])

    def current_certificate_request(self, case: FastTrackCase) -> CertificateRequest | None:
        return clock.latest_certificate_request(self._requests[case.pk], open_only=False)

    def doctors(self, clinic_id: int | None) -> list[User]:
        return self._doctors.get(clinic_id, [])

    @cached_property
    def _employee_users(self) -> dict[int, User]:
        memberships = Membership.objects.filter(
            person__in={case.absence.person_id for case in self.cases}, role=Role.EMPLOYEE
        ).select_related("user")
        return {membership.person_id: membership.user for membership in memberships}  # type: ignore[misc]

    @cached_property
    def _hr_users(self) -> dict[int, list[User]]:
        employers = {case.absence.employer_id for case in self.cases} - {None}
        return _by_membership(
            _users(membership__role=Role.EMPLOYER, membership__employer__in=employers)
            if employers
            else [],
            "employer_id",
        )

    @cached_property
    def _requests(self) -> dict[int, list[CertificateRequest]]:
        return clock.requests_of([case.pk for case in self.cases])

    @cached_property
    def _doctors(self) -> dict[int | None, list[User]]:
        clinics = {
            request.clinic_id for requests in self._requests.values() for request in requests
        }
        return _by_membership(
            _users(membership__role=Role.DOCTOR, membership__clinic__in=clinics) if clinics else [],
            "clinic_id",
        )


def _by_membership(users: Iterable[User], field_name: str) -> dict[Any, list[User]]:
    """``users`` grouped by a field of their membership (its employer, its clinic),
    in the order given."""
    grouped: dict[Any, list[User]] = {}
    for user in users:
        grouped.setdefault(getattr(user.membership, field_name), []).append(user)
    return grouped


def _employee_user(case: FastTrackCase, recipients: Recipients | None = None) -> User | None:
    return (recipients or Recipients([case])).employee_user(case)


def _users(**filters: Any) -> list[User]:
    # With the membership and its person: ``language_of`` and the outbox read them.
    return list(
        get_user_model()
        .objects.filter(is_active=True, **filters)
        .select_related("membership__person")
        .order_by("pk")
    )


def _hr_users(case: FastTrackCase, recipients: Recipients | None = None) -> list[User]:
    return (recipients or Recipients([case])).hr_users(case)


def _common(case: FastTrackCase) -> dict[str, Any]:
    person = case.absence.person
    return {
        "case": case,
        "person_name": person.name,
        "employer_name": case.absence.employer.name if case.absence.employer else "",
        "jobcentre": case.municipality.jobcentre_name,
        "jobcentre_phone": case.municipality.jobcentre_phone,
        # The shared case page: every party with a login reads the case there.
        "case_url": absolute_url(reverse("web:case_detail", args=[case.pk])),
    }


def _employee_language(case: FastTrackCase) -> str:
    return case.absence.person.preferred_language or "da"


def _to_employee(
    case: FastTrackCase,
    kind: str,
    context: dict[str, Any],
    *,
    digital_post: bool,
    recipients: Recipients | None = None,
) -> list[Letter]:
    """Inbox for an employee with a login; Digital Post when asked or without one.

    Nothing while the employee's identity waits for the caseworker: a letter
    may not reach a citizen a request merely named (R-36).
    """
    if not case.identity_confirmed:
        return []
    person = case.absence.person
    language = _employee_language(case)
    subject, body = render(kind, language, context)
    user = _employee_user(case, recipients)
    letters = []
    if digital_post or user is None:
        letters.append(
            Letter(
                dedupe_key=_key(case, kind, "person", person.pk, "digital_post"),
                kind=kind,
                channel="digital_post",
                subject=subject,
                body_text=body,
                case_id=case.pk,
                recipient_person=person,
                language=language,
                sender_municipality=case.municipality,
            )
        )
    if user is not None:
        letters.append(
            Letter(
                dedupe_key=_key(case, kind, "employee", user.pk),
                kind=kind,
                channel="inbox",
                subject=subject,
                body_text=body,
                case_id=case.pk,
                recipient_user=user,
                language=language,
                sender_municipality=case.municipality,
            )
        )
    return letters


def _inbox(
    case: FastTrackCase,
    kind: str,
    users: Iterable[User],
    recipient: str,
    context: dict[str, Any],
    *,
    to_employer: bool = False,
    version: object = None,
) -> list[Letter]:
    """One inbox letter per user, each in the language the user chose."""
    extra = () if version is None else (version,)
    if to_employer or recipient in ("employer", "manager"):
        # The employer side reads the name it gave, whatever the register says.
        context = {**context, "person_name": case.employee_name_for_employer}
    letters = []
    for user in users:
        language = language_of(user)
        subject, body = render(kind, language, context)
        letters.append(
            Letter(
                dedupe_key=_key(case, kind, recipient, user.pk, *extra),
                kind=kind,
                channel="inbox",
                subject=subject,
                body_text=body,
                case_id=case.pk,
                recipient_user=user,
                language=language,
                to_employer=to_employer,
                sender_municipality=case.municipality,
            )
        )
    return letters


def _caseworkers(case: FastTrackCase) -> list[User]:
    return [case.caseworker] if case.caseworker is not None else []


def _employer_side(case: FastTrackCase) -> list[User]:
    """HR at the employer and the case's nearest manager, each once."""
    managers = [case.nearest_manager] if case.nearest_manager is not None else []
    return [*(user for user in _hr_users(case) if user not in managers), *managers]


def _to_employer_side(
    case: FastTrackCase, kind: str, context: dict[str, Any], *, version: object = None
) -> list[Letter]:
    """Inbox letters to HR and the nearest manager, marked employer-bound (R-18)."""
    return _inbox(
        case,
        kind,
        _employer_side(case),
        "employer",
        _for(context, "employer"),
        to_employer=True,
        version=version,
    )


def _for(context: dict[str, Any], audience: str) -> dict[str, Any]:
    """The context for one audience, so that each reader is told what to do."""
    return {**context, "audience": audience}


def _answers(
    case: FastTrackCase, party: Party, language: str, answers: list[Answers] | None = None
) -> list[dict[str, str]]:
    """The party's answers for a letter; from ``answers`` (all the case's) when the
    caller has them in hand."""
    if answers is None:
        given = Answers.objects.filter(case=case, party=party).first()
    else:
        given = next((a for a in answers if a.party == party), None)
    if given is None:
        return []
    questions = question_set(given.question_set_version).questions
    return [
        {"question": questions[key].text(language), "answer": getattr(given, key) or "-"}  # type: ignore[arg-type]
        for key in QUESTION_KEYS
    ]


# --- the letters -------------------------------------------------------------------


def consent_request(case: FastTrackCase, *, answers: list[Answers] | None = None) -> list[Letter]:
    """R-10, R-11: the employee is told at once, with the employer's answers
    (``answers``: all the case's, when the caller has them in hand)."""
    assert case.consent_letter_sent_on is not None
    rule_set = rule_set_by_version(case.rule_set_version)
    deadline = employee_consent(rule_set, case.consent_letter_sent_on)
    context = {
        **_common(case),
        "consent_url": absolute_url(reverse("web:citizen_consent", args=[case.pk])),
        "employer_answers": _answers(case, Party.EMPLOYER, _employee_language(case), answers),
        "due_on": deadline.due,
        "banking_days": rule_set.consent_banking_days,
        "basis": deadline.basis,
    }
    return _to_employee(case, "consent_request", context, digital_post=True)


def request_registered(case: FastTrackCase) -> list[Letter]:
    """R-02: the citizen is told what the jobcentre registered on their behalf."""
    rule_set = rule_set_by_version(case.rule_set_version)
    context = {
        **_for(_common(case), "employee"),
        "channel": case.get_request_channel_display(),
        "first_absence_day": case.absence.first_absence_day,
        "conversation_due": first_followup_conversation(
            rule_set, case.requested_on, case.absence.first_absence_day
        ).due,
    }
    return _to_employee(case, "request_registered", context, digital_post=True)


def manager_invitation(case: FastTrackCase, manager: User, *, link: str) -> list[Letter]:
    """The invited nearest manager's e-mail with the link to choose a password.

    Nothing about the employee's health or answers: only that HR named them
    nearest manager in a Fast track case, and the employee's name.
    """
    language = language_of(manager)
    context = {
        **_for(_common(case), "manager"),
        "person_name": case.employee_name_for_employer,
        "link": link,
        "manager_name": manager.get_full_name() or manager.get_username(),
    }
    subject, body = render("manager_invitation", language, context)
    return [
        Letter(
            dedupe_key=_key(case, "manager_invitation", "user", manager.pk, "email"),
            kind="manager_invitation",
            channel="email",
            subject=subject,
            body_text=body,
            case_id=case.pk,
            recipient_user=manager,
            recipient_address=manager.email,
            language=language,
            to_employer=True,
            sender_municipality=case.municipality,
        )
    ]


def consent_kind(*, accepted: bool, late: bool) -> str:
    return (
        "consent_late" if accepted and late else "consent_given" if accepted else "consent_declined"
    )


def consent_answered(case: FastTrackCase, *, accepted: bool, late: bool) -> list[Letter]:
    """HR learns the answer, never the employee's answers; the jobcentre through a notice."""
    kind = consent_kind(accepted=accepted, late=late)
    context = _for(_common(case), "employer")
    return _inbox(case, kind, _hr_users(case), "employer", context, to_employer=True)


def request_withdrawn(case: FastTrackCase, *, on: date) -> list[Letter]:
    """Every party learns that the request was withdrawn and what happens now.

    The employee got the consent request by Digital Post, so the news that no
    answer is needed goes the same way. The reason stays on the case: free
    text may hold personal circumstances (R-18).
    """
    context = {**_common(case), "on": on}
    return [
        *_to_employee(case, "request_withdrawn", _for(context, "employee"), digital_post=True),
        *_to_employer_side(case, "request_withdrawn", context),
        *_inbox(
            case, "request_withdrawn", _caseworkers(case), "caseworker", _for(context, "caseworker")
        ),
    ]


def consent_decision(case: FastTrackCase, decision: ConsentDecision) -> list[Letter]:
    """The caseworker's decision after a late or missing consent (R-12).

    The employee gets the decision with its reason, by Digital Post; the
    employer only learns whether Fast track goes on: the reason is not built
    into its letter at all (R-12, R-18).
    """
    context = {**_common(case), "continue_fast_track": decision.continue_fast_track}
    # The first conversation the employee can expect: R-19 on Fast track,
    # R-13 (end of week 8) on the normal track.
    conversation = first_followup_conversation(
        rule_set_by_version(case.rule_set_version),
        case.requested_on,
        case.absence.first_absence_day,
        declined=not decision.continue_fast_track,
    )
    employee_context = {
        **_for(context, "employee"),
        "reason": decision.reason,
        "conversation_due": conversation.due,
        "conversation_basis": conversation.basis,
    }
    return [
        *_to_employee(case, "consent_decision", employee_context, digital_post=True),
        *_to_employer_side(case, "consent_decision", context),
    ]


def plan_recorded(case: FastTrackCase, version: PlanVersion) -> list[Letter]:
    """Each new version of the plan: the employee and the workplace read and confirm it (R-20).

    Only that there is a new version: the plan's measures may name a
    treatment, so the text stays on the case (R-18). The rules set no
    deadline for the confirmation, so the letter gives none.
    """
    context = {
        **_common(case),
        "version": version.number,
        "evaluate_on": version.evaluate_on,
    }
    return [
        *[
            _versioned(letter, version.pk)
            for letter in _to_employee(
                case, "plan_recorded", _for(context, "employee"), digital_post=False
            )
        ],
        *_to_employer_side(case, "plan_recorded", context, version=version.pk),
    ]


def plan_confirmed(case: FastTrackCase, version: PlanVersion, *, party: Party) -> list[Letter]:
    """The caseworker learns that a party confirmed a version of the plan (R-20)."""
    confirmed_by = (
        version.employee_confirmed_by if party == Party.EMPLOYEE else version.employer_confirmed_by
    )
    context = {
        **_common(case),
        "version": version.number,
        "party": party.value,
        "confirmed_by": confirmed_by.get_full_name() or confirmed_by.get_username()
        if confirmed_by is not None
        else "",
        "both_confirmed": version.employee_confirmed_at is not None
        and version.employer_confirmed_at is not None,
    }
    return _inbox(
        case,
        "plan_confirmed",
        _caseworkers(case),
        "caseworker",
        context,
        version=f"{version.pk}:{party.value}",
    )


def certificate_requested(
    case: FastTrackCase, certificate_request: CertificateRequest
) -> list[Letter]:
    """R-15: the clinic gets the request with both parties' answers; the employee a reminder."""
    clinic_context = {
        **_common(case),
        "request_url": absolute_url(reverse("web:doctor_request", args=[certificate_request.pk])),
        "due_on": certificate_request.due_on,
        "employer_answers": _answers(case, Party.EMPLOYER, "da"),
        "employee_answers": _answers(case, Party.EMPLOYEE, "da"),
    }
    doctors = _users(membership__role=Role.DOCTOR, membership__clinic=certificate_request.clinic_id)
    employee_context = {**_common(case), "due_on": certificate_request.due_on}
    return [
        *_inbox(
            case,
            "certificate_request",
            doctors,
            "doctor",
            clinic_context,
            version=certificate_request.pk,
        ),
        *[
            _versioned(letter, certificate_request.pk)
            for letter in _to_employee(
                case, "see_your_doctor", employee_context, digital_post=False
            )
        ],
    ]


def _versioned(letter: Letter, version: object) -> Letter:
    return replace(letter, dedupe_key=f"{letter.dedupe_key}:{version}")


def certificate_due_moved(
    case: FastTrackCase, certificate_request: CertificateRequest, *, old_due: date
) -> list[Letter]:
    """The doctor learns the new deadline: the first conversation moved it (R-16)."""
    context = {
        **_common(case),
        "request_url": absolute_url(reverse("web:doctor_request", args=[certificate_request.pk])),
        "due_on": certificate_request.due_on,
        "old_due_on": old_due,
    }
    doctors = _users(membership__role=Role.DOCTOR, membership__clinic=certificate_request.clinic_id)
    return _inbox(
        case,
        "certificate_due_moved",
        doctors,
        "doctor",
        context,
        version=f"{certificate_request.pk}:{certificate_request.due_on.isoformat()}",
    )


def meeting_booked(case: FastTrackCase, meeting: Meeting) -> list[Letter]:
    """An invitation per participant with a login: inbox, and e-mail with ICS.

    Never for a meeting that has already begun: an invitation to the past
    helps nobody (a booking for a time gone by is refused anyway, R-33, but a
    history built after the fact must not send any).
    """
    if meeting.starts_at <= timezone.now():
        return []
    return _meeting_letters(case, meeting, "meeting_invitation", with_ics=True)


def meeting_rebooked(
    case: FastTrackCase, meeting: Meeting, *, old: dict[str, Any], reason: str
) -> list[Letter]:
    """The new time or place to every participant, with the updated ICS (same UID).

    The key holds the sequence: each rebooking is a new letter, a retry is not.
    """
    old_starts_at = timezone.localtime(datetime.fromisoformat(old["starts_at"]))
    return _meeting_letters(
        case,
        meeting,
        "meeting_rebooked",
        with_ics=True,
        version=meeting.sequence,
        context={
            "old_starts_at": old_starts_at,
            "time_changed": old_starts_at != meeting.starts_at,
            "place_changed": (old["location"], old["video_url"])
            != (meeting.location, meeting.video_url),
        },
        reason=reason,
    )


def meeting_cancelled(case: FastTrackCase, meeting: Meeting, *, reason: str) -> list[Letter]:
    """The cancellation to every participant, with an ICS that removes the entry."""
    return _meeting_letters(
        case,
        meeting,
        "meeting_cancelled",
        with_ics=True,
        version=meeting.sequence,
        reason=reason,
    )


def minutes_ready(case: FastTrackCase, meeting: Meeting) -> list[Letter]:
    """Each participant learns that the minutes are ready, and their own tasks only.

    The minutes themselves stay on the meeting page (R-18): a letter body
    never carries them, and a task reaches only the party it is for.
    """
    tasks = list(meeting.tasks.order_by("pk"))
    return _meeting_letters(
        case,
        meeting,
        "meeting_minutes_ready",
        # The caseworker wrote them.
        skip=frozenset({MeetingParty.CASEWORKER}),
        tasks_of=lambda party: [task for task in tasks if task.party == party],
    )


def meeting_response_context(
    case: FastTrackCase, meeting: Meeting, participant: MeetingParticipant
) -> dict[str, Any]:
    """What the jobcentre's notice of a declined invitation or a wish for another time says."""
    return {
        **_meeting_context(case, meeting),
        "participant": participant,
        "response": participant.response,
    }


def _meeting_context(case: FastTrackCase, meeting: Meeting) -> dict[str, Any]:
    return {
        **_common(case),
        "meeting": meeting,
        "kind": meeting.kind,
        "starts_at": timezone.localtime(meeting.starts_at),
        "meeting_url": absolute_url(reverse("web:meeting_detail", args=[case.pk, meeting.pk])),
    }


def _meeting_letters(
    case: FastTrackCase,
    meeting: Meeting,
    kind: str,
    *,
    with_ics: bool = False,
    version: object = None,
    context: dict[str, Any] | None = None,
    reason: str = "",
    skip: frozenset[str] = frozenset(),
    tasks_of: Callable[[str], list[Any]] | None = None,
) -> list[Letter]:
    """One letter per participant with a login: inbox, and e-mail with the ICS if asked.

    ``reason`` goes to the jobcentre's side, the employee and the doctor, never
    to the employer side: a reason may be personal. Each recipient's calendar
    file names the attendees their role may know of (``meetings.access``).
    """
    letters: list[Letter] = []
    shared = {**_meeting_context(case, meeting), **(context or {})}
    extra = () if version is None else (version,)
    for participant in meeting.participants.select_related("user").order_by("pk"):
        user = participant.user
        if user is None or participant.party in skip:
            continue
        # A participant who may not see the meeting (a doctor whose clinic was
        # never asked for a certificate) learns nothing of it by letter either.
        if not may_see_meeting(user, meeting):
            continue
        membership = membership_of(user)
        to_employer = membership is not None and membership.is_employer_side
        # Someone without a role gets the employer side's view, the narrowest.
        audience = Role(membership.role) if membership is not None else Role.EMPLOYER
        language = language_of(user)
        subject, body = render(
            kind,
            language,
            {
                **shared,
                "name": participant.name,
                "reason": "" if to_employer else reason,
                "tasks": tasks_of(participant.party) if tasks_of else [],
            },
        )
        base: dict[str, Any] = {
            "kind": kind,
            "subject": subject,
            "body_text": body,
            "case_id": case.pk,
            "recipient_user": user,
            "language": language,
            "to_employer": to_employer,
        }
        letters.append(
            Letter(
                dedupe_key=_key(case, kind, "user", user.pk, meeting.pk, *extra, "inbox"),
                channel="inbox",
                **base,
            )
        )
        if with_ics and _email(participant):
            ics = invitation_ics(meeting, audience=audience)
            attachments = (ics_attachment(ics, method=calendar_method(meeting)),)
            letters.append(
                Letter(
                    dedupe_key=_key(case, kind, "user", user.pk, meeting.pk, *extra, "email"),
                    channel="email",
                    recipient_address=user.email,
                    attachments=attachments,
                    **base,
                )
            )
    return letters


def _email(participant: Any) -> bool:
    return participant.user is not None and "@" in (participant.user.email or "")


def case_closed(case: FastTrackCase) -> list[Letter]:
    """Every party learns that Fast track has ended and how."""
    context = {**_common(case), "outcome": case.get_outcome_display()}
    return [
        *_to_employee(case, "case_closed", context, digital_post=False),
        *_to_employer_side(case, "case_closed", context),
        *_inbox(case, "case_closed", _caseworkers(case), "caseworker", context),
    ]


# --- reminders before a deadline ------------------------------------------------------

# Who must act before each deadline; the request window needs no reminder,
# and the jobcentre's own deadlines reach it as notices (``cases.notices``).
_REMINDED_KEYS = frozenset(
    {
        "employee_consent",
        "medical_certificate",
        "employer_sick_absence_conversation",
    }
)
JOBCENTRE_DEADLINE_KEYS = frozenset({"first_followup_conversation", "retention_meeting"})


def deadline_context(case: FastTrackCase, deadline: CaseDeadline, days: int) -> dict[str, Any]:
    return {
        **_common(case),
        "key": deadline.key,
        "due_on": deadline.due_on,
        "basis": deadline.basis,
        "days": days,
    }


def deadline_reminder(
    case: FastTrackCase,
    deadline: CaseDeadline,
    days: int,
    *,
    recipients: Recipients | None = None,
) -> list[Letter]:
    """A reminder ``days`` banking days before ``deadline`` to whoever must act.

    The key carries the due date and the day, so a sweep that runs twice sends
    nothing twice, and a moved deadline is reminded of again. ``recipients``:
    the sweep's, read for all the cases it reminds at once.
    """
    if deadline.key not in _REMINDED_KEYS or deadline.due_on is None:
        return []
    recipients = recipients or Recipients([case])
    context = deadline_context(case, deadline, days)
    version = f"{deadline.key}:{deadline.due_on.isoformat()}:{days}"
    if deadline.key == "employee_consent":
        return [
            _versioned(letter, version)
            for letter in _to_employee(
                case, "deadline_reminder", context, digital_post=False, recipients=recipients
            )
        ]
    if deadline.key == "medical_certificate":
        current = recipients.current_certificate_request(case)
        if current is None:
            return []
        context["request_url"] = absolute_url(reverse("web:doctor_request", args=[current.pk]))
        return _inbox(
            case,
            "deadline_reminder",
            recipients.doctors(current.clinic_id),
            "doctor",
            context,
            version=version,
        )
    return _inbox(
        case,
        "deadline_reminder",
        recipients.hr_users(case),
        "employer",
        context,
        to_employer=True,
        version=version,
    )


# --- the jobcentre's notices (``cases.notices``) ----------------------------------------

# The letter each kind of notice is written as.
_NOTICE_LETTERS = {
    NoticeKind.NEW_CASE: "new_case",
    NoticeKind.CONSENT_GIVEN: "consent_given",
    NoticeKind.CONSENT_DECLINED: "consent_declined",
    NoticeKind.CONSENT_LATE: "consent_late",
    NoticeKind.CERTIFICATE_RECEIVED: "certificate_received",
    NoticeKind.MEETING_RESPONSE: "meeting_response",
    NoticeKind.NEW_ABSENCE: "new_absence",
    NoticeKind.DEADLINE_SOON: "deadline_reminder",
    NoticeKind.DEADLINE_MISSED: "deadline_missed",
    NoticeKind.ASSIGNED: "case_assigned",
    NoticeKind.IDENTITY_TO_CONFIRM: "identity_to_confirm",
    NoticeKind.DOCUMENT_OVERDUE: "document_overdue",
}


def jobcentre_notice(
    case: FastTrackCase, notice: CaseNotice, context: dict[str, Any]
) -> list[Letter]:
    """The assigned caseworker's letter about ``notice``, in their language.

    None while the case waits in the queue: the inbox of everyone at the
    jobcentre shows the queue's notices until someone takes the case.
    """
    caseworker = case.caseworker
    if caseworker is None:
        return []
    kind = _NOTICE_LETTERS[NoticeKind(notice.kind)]
    return _inbox(
        case,
        kind,
        [caseworker],
        "caseworker",
        {**_common(case), **context, "audience": "caseworker"},
        version=f"notice:{notice.key}",
    )
