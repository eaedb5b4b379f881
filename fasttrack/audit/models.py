"""The case history (append-only, hash-chained) and the access log.

Both are written only through ``fasttrack.audit.history.record_event`` and
``fasttrack.audit.access.log_access``. History rows are never changed or
deleted: the model, its query sets and, on PostgreSQL, a database trigger all
refuse (RULES.md R-27). Access log rows are deleted only by the retention purge
(R-25).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fasttrack.audit.chain import EventFields
from fasttrack.audit.verbs import EventVerb
from fasttrack.people.models import Role


class HistoryIsAppendOnly(Exception):
    """Raised on any attempt to change or delete a stored case event."""

    def __init__(self, operation: str) -> None:
        super().__init__(
            f"The case history is append-only (RULES.md R-27): {operation} is refused. "
            "Record a new event with fasttrack.audit.history.record_event instead."
        )


class CaseEventQuerySet(models.QuerySet["CaseEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise HistoryIsAppendOnly("QuerySet.update()")

    def delete(self) -> NoReturn:
        raise HistoryIsAppendOnly("QuerySet.delete()")

    def erase_with_case(self) -> int:
        """Remove these events because their case is erased at the end of its
        retention (R-31); how many. Only ``fasttrack.cases.retention`` calls
        this, for every event of a case at once: a whole chain goes, so no
        remaining chain is broken and verification still passes. On PostgreSQL
        the append-only trigger lets the DELETE through only for the case named
        in the transaction's ``fasttrack.erasing_case`` setting.
        """
        return int(self._raw_delete(self.db))

    def visible_to_employer_side(self) -> CaseEventQuerySet:
        """The events the employer and the nearest manager may see (R-18)."""
        return self.filter(visible_to_employer=True)


class CaseEvent(models.Model):
    """One step in a case's history: who did what, when, with old and new values."""

    case = models.ForeignKey(
        "cases.FastTrackCase",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    # 1, 2, 3 ... per case: a gap shows that an event was removed.
    sequence = models.PositiveIntegerField(_("number"))
    verb = models.CharField(_("event"), max_length=64, choices=EventVerb.choices)
    # PROTECT, not SET_NULL: nulling the actor would rewrite history (and break
    # the hash). A user who has acted on a case is deactivated, never deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The role and organisation as they were, since memberships change later.
    actor_role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    actor_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    at = models.DateTimeField(_("time"))
    old = models.JSONField(_("before"), default=dict, blank=True)
    new = models.JSONField(_("after"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    visible_to_employer = models.BooleanField(_("visible to the employer"), default=True)
    # Whether the jobcentre shared its free text (the note) with the employer
    # side; the employer side reads a note only when it wrote it or it is shared.
    note_shared_with_employer = models.BooleanField(
        _("note shared with the employer"), default=False
    )
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case history")
        ordering = ["case_id", "sequence"]
        # The unique constraint is also the (case, sequence) index that history
        # pages, the recorder and verification read by; it stops two writers
        # that forgot to lock the case from forking the chain.
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="one_event_per_case_sequence")
        ]

    def __str__(self) -> str:
        return f"#{self.case_id}.{self.sequence} {self.verb}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update"):
            raise HistoryIsAppendOnly("saving a stored event")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise HistoryIsAppendOnly("deleting an event")

    def chain_fields(self) -> EventFields:
        """The fields the hash covers, as stored."""
        return EventFields(
            case_id=self.case_id,
            sequence=self.sequence,
            verb=self.verb,
            actor_id=self.actor_id,
            actor_role=self.actor_role,
            actor_organisation=self.actor_organisation,
            at=self.at,
            old=self.old,
            new=self.new,
            note=self.note,
            visible_to_employer=self.visible_to_employer,
            prev_hash=self.prev_hash,
            note_shared_with_employer=self.note_shared_with_employer,
        )


class AccessAction(models.TextChoices):
    # The context keeps these nouns apart from the admin's buttons of the
    # same English words ("Search", "Delete").
    READ = "read", pgettext_lazy("access action", "Read")
    SEARCH = "search", pgettext_lazy("access action", "Search")
    CHANGE = "change", pgettext_lazy("access action", "Change")
    EXPORT = "export", pgettext_lazy("access action", "Export")
    DELETE = "delete", pgettext_lazy("access action", "Delete")
    LOGIN_FAILED = "login_failed", pgettext_lazy("access action", "Failed login")


class Purpose(models.TextChoices):
    """Why personal data was used; the employee sees the label (R-26)."""

    CASE_WORK = "case_work", _("Case work on a Fast track case")
    REQUEST = "request", _("Request for Fast track")
    MEDICAL_CERTIFICATE = "medical_certificate", _("Medical certificate for the jobcentre")
    OWN_DATA = "own_data", _("Your own access to your case")
    EMPLOYER_FOLLOWUP = "employer_followup", _("The employer's follow-up on sick leave")
    SUPERVISION = "supervision", _("Management and supervision in the jobcentre")
    ADMINISTRATION = "administration", _("Administration of users and organisations")
    INTEGRATION = "integration", _("Exchange with another system")
    SECURITY = "security", _("Security of the login")


class AccessLogEntry(models.Model):
    """One read, search, change, export or deletion of personal data (R-25)."""

    at = models.DateTimeField(_("time"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as text so that the entry still says who it was after the user is gone.
    username = models.CharField(_("username"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=AccessAction.choices)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_log",
    )
    case = models.ForeignKey(
        "cases.FastTrackCase",
        verbose_name=_("case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_log",
    )
    # A search criterion with any CPR number masked.
    criterion = models.CharField(_("search criterion"), max_length=255, blank=True)
    purpose = models.CharField(_("purpose"), max_length=64, choices=Purpose.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["person", "at"], name="access_log_person_at"),
            models.Index(fields=["at"], name="access_log_at"),
            # Counting recent failed logins per username (R-25 lockout).
            models.Index(fields=["action", "username", "at"], name="access_log_action_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or '-'} {self.action}"


class ErasureKind(models.TextChoices):
    CLOSED_CASE = "closed_case", _("Closed cases")
    ACCESS_LOG = "access_log_entry", _("Access log entries")
    IDEMPOTENCY_RECORD = "idempotency_record", _("Stored API answers (Idempotency-Key)")


class Erasure(models.Model):
    """That data was erased at the end of its retention (R-31): what kind and
    how many, never what it was. Kept for good; written by ``fasttrack purge``."""

    at = models.DateTimeField(_("time"))
    kind = models.CharField(_("kind"), max_length=32, choices=ErasureKind.choices)
    count = models.PositiveIntegerField(_("count"))
    # Everything older than this was erased (for cases: ended before it).
    older_than = models.DateTimeField(_("older than"))

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.count}"
