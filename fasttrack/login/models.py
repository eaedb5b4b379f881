"""Recovery codes for the second factor, and links to NemLog-in identities."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models, transaction
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
