"""API tokens and the memory of idempotent requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A bearer token for the JSON API: ``ft_<prefix>_<secret>``.

    Only the SHA-256 of the whole token is stored. A plain (unsalted, fast) hash
    is right here, unlike for passwords: the secret is 256 random bits from
    ``secrets``, so there is no dictionary to try and no guess cheaper than
    2**255 hashes; salting or key stretching would add nothing but cost on every
    request, and an unsalted hash can be looked up through a unique index in one
    query. The prefix is random too and shown in lists so a person can tell
    their tokens apart; it is not a secret.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} (ft_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class IdempotencyRecord(models.Model):
    """The first response to a POST or PUT sent with an ``Idempotency-Key``.

    The key is scoped to the user (not the token), so an integrator that rotates
    tokens in the middle of a retry still gets the first response back.
    Neither the key nor the response is stored in clear: the key as its
    SHA-256, the response encrypted with a key derived from ``SECRET_KEY`` and
    the client's Idempotency-Key (see ``fasttrack.api.idempotency``), because
    responses hold new API tokens and, for the doctor, health data (R-18). The
    body is stored as the exact bytes sent, so a replay is byte-for-byte the
    same (``jsonb`` would reorder the keys).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="idempotency_records",
    )
    key_hash = models.CharField(_("key hash"), max_length=64)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    request_hash = models.CharField(_("request hash"), max_length=64)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=IdempotencyState.choices,
        default=IdempotencyState.IN_PROGRESS,
    )
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_body = models.TextField(_("response body (encrypted)"), blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "key_hash"], name="unique_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.state})"


class RateLimitWindow(models.Model):
    """The request count of one rate-limit window (``fasttrack.api.throttling``).

    One row per key (a token), reused window after window: the counter is
    raised, or started again when its window has passed, by one atomic
    ``INSERT … ON CONFLICT DO UPDATE``, so every process shares the count and
    concurrent requests never lose an update.
    """

    key = models.CharField(_("key"), max_length=100, primary_key=True)
    # Seconds since the epoch: the window's arithmetic happens inside the one
    # statement, alike on PostgreSQL and SQLite.
    window_started = models.FloatField(_("window started"))
    hits = models.PositiveIntegerField(_("requests"))

    class Meta:
        verbose_name = _("rate-limit window")
        verbose_name_plural = _("rate-limit windows")

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"
