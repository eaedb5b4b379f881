"""Follow-up conversations and retention meetings (R-19, R-21)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fasttrack.cases.models import FastTrackCase
from fasttrack.lib.rules.keys import DeadlineKey
from fasttrack.people.models import Role


class MeetingKind(models.TextChoices):
    FIRST_CONVERSATION = "first_conversation", _("First follow-up conversation")
    RETENTION_MEETING = "retention_meeting", _("Retention meeting (fastholdelsesmøde)")


# The milestone each kind of meeting meets when it is held.
MILESTONE_OF_KIND = {
    MeetingKind.FIRST_CONVERSATION: DeadlineKey.FIRST_FOLLOWUP_CONVERSATION,
    MeetingKind.RETENTION_MEETING: DeadlineKey.RETENTION_MEETING,
}


class MeetingState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Party(models.TextChoices):
    """Who someone is at a meeting; the values are part of the API contract."""

    EMPLOYEE = "employee", _("Employee")
    NEAREST_MANAGER = "nearest_manager", _("Nearest manager")
    CASEWORKER = "caseworker", _("Caseworker")
    # Translators: Danish "Bisidder".
    COMPANION = "companion", _("Companion")
    # Translators: Danish "Tillidsrepræsentant".
    UNION_REPRESENTATIVE = "union_representative", _("Union representative")
    DOCTOR = "doctor", _("Doctor")


class Response(models.TextChoices):
    """A participant's answer to the invitation (RSVP)."""

    PENDING = "pending", _("Not answered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    # Translators: Danish "Ønsker et andet tidspunkt".
    NEW_TIME_REQUESTED = "new_time_requested", _("Asks for another time")


# The answers that need a reason, which the caseworker reads.
RESPONSES_WITH_REASON = frozenset({Response.DECLINED, Response.NEW_TIME_REQUESTED})


class Meeting(models.Model):
    case = models.ForeignKey(FastTrackCase, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=32, choices=MeetingKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    location = models.CharField(_("place"), max_length=300, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=MeetingState.choices, default=MeetingState.BOOKED
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    # Raised by every change a calendar must apply (RFC 5546): a rebooking, a
    # new place or video link, a cancellation. The ICS carries it.
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_booked(self) -> bool:
        return self.state == MeetingState.BOOKED


class MeetingParticipant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    # Empty for someone without a login, such as a union representative.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    party = models.CharField(_("party"), max_length=32, choices=Party.choices)
    # Only meaningful for the doctor, who takes part only with it.
    employee_consented = models.BooleanField(_("the employee has consented"), default=False)
    response = models.CharField(
        _("answer"), max_length=32, choices=Response.choices, default=Response.PENDING
    )
    # Shown to the jobcentre and the participant only: a reason may be personal.
    response_reason = models.TextField(_("reason"), blank=True)
    suggested_times = models.TextField(_("suggested times"), blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Set once, by the first visit, with a conditional UPDATE (``tracking``).
    invitation_opened_at = models.DateTimeField(
        _("invitation first opened at"), null=True, blank=True
    )
    minutes_opened_at = models.DateTimeField(_("minutes first opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_login(self) -> bool:
        return self.user_id is not None


class MeetingTask(models.Model):
    """Who does what after the meeting, agreed and written down with the minutes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="tasks")
    party = models.CharField(_("party"), max_length=32, choices=Party.choices)
    description = models.TextField(_("task"))
    due_on = models.DateField(_("by when"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description
