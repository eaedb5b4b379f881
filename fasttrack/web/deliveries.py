"""The delivery status of a case's letters, for the case page.

The caseworker sees every letter of the case; the employee and the employer
side see only the letters sent to themselves. A row says which letter, to
whom (a role and a name, never a CPR number, R-29), through which channel and
how far it got; never what it says: the body may be the employee's (R-09) or
medical (R-18), and the table is no second inbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fasttrack.cases.models import FastTrackCase
from fasttrack.notifications.models import Message, MessageChannel
from fasttrack.people.models import EMPLOYER_ROLES, JOBCENTRE_ROLES, Role, membership_of

# The letters' kinds as the parties know them; an unknown kind shows as it is.
KIND_LABELS: dict[str, Promise] = {
    "consent_request": _("Request for consent"),
    "consent_given": _("Consent given"),
    "consent_declined": _("Consent refused"),
    "consent_late": _("Consent after the deadline"),
    "request_withdrawn": _("Request withdrawn"),
    "consent_decision": _("Decision after late consent"),
    "plan_recorded": _("New version of the plan"),
    "plan_confirmed": _("Plan confirmed"),
    "certificate_request": _("Request for a medical certificate"),
    "see_your_doctor": _("See your doctor"),
    "certificate_received": _("Medical certificate received"),
    "meeting_invitation": _("Meeting invitation"),
    "case_closed": _("Case closed"),
    "deadline_reminder": _("Reminder of a deadline"),
    "deadline_missed": _("Deadline missed"),
    "retention_plan_requested": _("Request for a fastholdelsesplan"),
    "retention_plan_answered": _("Answer about the fastholdelsesplan"),
    "retention_plan_withdrawn": _("Request for a fastholdelsesplan withdrawn"),
    "retention_plan_brought": _("Fastholdelsesplan brought to the conversation"),
    "statement_started": _("Mulighedserklæring started"),
    "statement_part_one_changed": _("Mulighedserklæring part 1 to confirm"),
    "statement_to_doctor": _("Mulighedserklæring part 2 for the doctor"),
    "statement_completed": _("Mulighedserklæring completed"),
    "statement_cancelled": _("Mulighedserklæring cancelled"),
    "plan_commented": _("Comment on the plan"),
    "plan_evaluation_soon": _("The plan is evaluated soon"),
    "retention_plan_answer_soon": _("Reminder to answer the request for a fastholdelsesplan"),
    "retention_plan_answer_overdue": _("The request for a fastholdelsesplan was not answered"),
    "statement_doctor_soon": _("Reminder of part 2 of the mulighedserklæring"),
    "document_overdue": _("A document was not answered in time"),
    "certificate_due_moved": _("New deadline for the medical certificate"),
    "meeting_rebooked": _("Meeting moved"),
    "meeting_cancelled": _("Meeting cancelled"),
    "meeting_minutes_ready": _("Minutes of the meeting"),
    "meeting_response": _("Answer to a meeting invitation"),
    "request_registered": _("Request registered by the jobcentre"),
    "manager_invitation": _("Invitation as nearest manager"),
    "new_case": _("New case for the jobcentre"),
    "new_absence": _("New absence of a person with an open case"),
    "case_assigned": _("Case assigned"),
    "identity_to_confirm": _("Identity to confirm"),
}

_STATUS_BADGE = {
    Message.Status.QUEUED: "badge-info",
    Message.Status.SENDING: "badge-info",
    Message.Status.SENT: "badge-success",
    Message.Status.FAILED: "badge-error",
}

# Enough of the error for the caseworker to see what went wrong; the
# operators have the whole of it in the admin. It never holds the body or a
# CPR number (``notifications.delivery.describe_error``).
_ERROR_SUMMARY_LENGTH = 160

# Fields the table needs: the body, subject and attachments are never loaded.
_FIELDS = (
    "id",
    "kind",
    "channel",
    "status",
    "attempts",
    "last_error",
    "sent_at",
    "recipient_user__first_name",
    "recipient_user__last_name",
    "recipient_user__username",
    "recipient_user__membership__role",
    "recipient_person__name",
    "inbox_item__read_at",
)


@dataclass(frozen=True)
class DeliveryRow:
    message_id: int
    kind: str
    kind_label: str
    recipient_role: str
    recipient_name: str
    channel: str
    channel_label: str
    status: str
    status_label: str
    status_badge: str
    attempts: int
    error_summary: str
    sent_at: datetime | None
    read_at: datetime | None

    @property
    def failed(self) -> bool:
        return self.status == Message.Status.FAILED


def _visible_messages(case: FastTrackCase, role: Role, user: Any) -> QuerySet[Message]:
    messages_of_case = Message.objects.filter(case_id=case.pk)
    if role in JOBCENTRE_ROLES:
        return messages_of_case
    if role == Role.EMPLOYEE:
        membership = membership_of(user)
        person_id = membership.person_id if membership else None
        # Their inbox letters and the Digital Post letters to their CPR number.
        return messages_of_case.filter(Q(recipient_user=user) | Q(recipient_person_id=person_id))
    if role in EMPLOYER_ROLES:
        return messages_of_case.filter(recipient_user=user)
    return Message.objects.none()


def deliveries_for(case: FastTrackCase, role: Role, user: Any) -> list[DeliveryRow]:
    """The case's letters ``user`` may follow, oldest first, in one query."""
    rows = _visible_messages(case, role, user).order_by("created_at", "pk").values_list(*_FIELDS)
    return [_row(*values) for values in rows]


def _row(
    message_id: int,
    kind: str,
    channel: str,
    status: str,
    attempts: int,
    last_error: str,
    sent_at: datetime | None,
    first_name: str | None,
    last_name: str | None,
    username: str | None,
    user_role: str | None,
    person_name: str | None,
    read_at: datetime | None,
) -> DeliveryRow:
    if username is not None:
        name = " ".join(filter(None, [first_name, last_name])) or username
        recipient_role = str(Role(user_role).label) if user_role else ""
    else:
        # Digital Post to the employee's CPR number: named, never numbered.
        name = person_name or ""
        recipient_role = str(Role.EMPLOYEE.label) if person_name else ""
    return DeliveryRow(
        message_id=message_id,
        kind=kind,
        kind_label=str(KIND_LABELS.get(kind, kind)),
        recipient_role=recipient_role,
        recipient_name=name,
        channel=channel,
        channel_label=str(MessageChannel(channel).label),
        status=status,
        status_label=str(Message.Status(status).label),
        status_badge=_STATUS_BADGE[Message.Status(status)],
        attempts=attempts,
        error_summary=_summary(last_error) if status != Message.Status.SENT else "",
        sent_at=sent_at,
        read_at=read_at if channel == MessageChannel.INBOX else None,
    )


def _summary(error: str) -> str:
    first_line = error.strip().splitlines()[0] if error.strip() else ""
    if len(first_line) <= _ERROR_SUMMARY_LENGTH:
        return first_line
    return first_line[: _ERROR_SUMMARY_LENGTH - 1] + "…"
