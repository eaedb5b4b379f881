"""Recovery codes for the second factor, and links to NemLog-in identities."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin


def hash_recovery_code(code: str) -> str:
    """The stored form of a recovery code, however it was typed.

    Codes are 80 random bits, so a plain SHA-256 is enough (as for API
    tokens): there is no dictionary to try against a stolen table.
    """
    normalised = "".join(code.split()).replace("-", "").lower()
    return hashlib.sha256(normalised.encode()).hexdigest()


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """Single-use codes for when the authenticator app is lost.

    django-otp's own static device keeps its codes in clear text; these are
    kept only as hashes, and each is deleted when used.
    """

    class Meta:
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_RECOVERY_THROTTLE_FACTOR", 1))

    def verify_token(self, token: object) -> bool:
        allowed, _reason = self.verify_is_allowed()
        if not allowed or not isinstance(token, str):
            return False
        with transaction.atomic():
            used, _deleted = self.codes.filter(code_hash=hash_recovery_code(token)).delete()
        if used:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment(commit=True)
        return False


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, db_index=True, editable=False)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"{self.device} #{self.pk}"


class NemLogInIdentity(models.Model):
    """A NemLog-in identity (MitID Erhverv) linked to a Fasttrack user.

    Employer users are found by the persistent identifier NemLog-in gives an
    employee of a company (the assertion's NameID); citizens are found by
    their CPR number and need no link.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="nemlogin_identities",
    )
    issuer = models.CharField(_("identity provider"), max_length=255)
    subject = models.CharField(_("NemLog-in identifier"), max_length=255)
    cvr = models.CharField(_("CVR number"), max_length=8)
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)

    class Meta:
        verbose_name = _("NemLog-in identity")
        verbose_name_plural = _("NemLog-in identities")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="one_user_per_nemlogin_identity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.cvr})"


def hash_invitation_token(token: str) -> str:
    # 256 random bits: a plain SHA-256 is enough, as for API tokens.
    return hashlib.sha256(token.encode()).hexdigest()


class AccountInvitation(models.Model):
    """A single-use link that lets a new user choose their password.

    Only the token's hash is kept; the link itself is shown or sent once.
    ``add_user`` makes one for any party, and HR makes one when it invites a
    nearest manager to a case.
    """

    VALID_FOR = timedelta(days=7)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("account invitation")
        verbose_name_plural = _("account invitations")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    @classmethod
    def issue(cls, user: object, *, created_by: object = None) -> tuple[AccountInvitation, str]:
        """A new invitation for ``user`` and its token (shown once, never stored)."""
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        invitation = cls.objects.create(
            user=user,
            token_hash=hash_invitation_token(token),
            created_at=now,
            expires_at=now + cls.VALID_FOR,
            created_by=created_by,
        )
        return invitation, token

    @classmethod
    def usable(cls, token: str) -> AccountInvitation | None:
        """The invitation for ``token`` while it is unused and unexpired, else None."""
        return (
            cls.objects.select_related("user")
            .filter(
                token_hash=hash_invitation_token(token),
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
                user__is_active=True,
            )
            .first()
        )
