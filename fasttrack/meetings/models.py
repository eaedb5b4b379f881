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

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.name
