"""The four parties: organisations, persons and the memberships that give a
Django user a role in exactly one of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fasttrack.lib.cpr import format_cpr, mask_cpr
from fasttrack.people.crypto import cpr_lookup_hash, decrypt_cpr, encrypt_cpr
from fasttrack.people.validators import validate_cvr_field

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Employer(models.Model):
    cvr = models.CharField(
        _("CVR number"), max_length=8, unique=True, validators=[validate_cvr_field]
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (CVR {self.cvr})"


class Municipality(models.Model):
    code = models.CharField(
        _("municipality code"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^\d{3}$", _("A municipality code has 3 digits."))],
    )
    name = models.CharField(_("name"), max_length=100)
    jobcentre_name = models.CharField(_("jobcentre name"), max_length=200)
    jobcentre_address = models.CharField(_("jobcentre address"), max_length=300, blank=True)
    jobcentre_email = models.EmailField(_("jobcentre e-mail"), blank=True)
    jobcentre_phone = models.CharField(_("jobcentre phone"), max_length=30, blank=True)
    # The sending authority of the municipality's Digital Post (the MeMo
    # Sender): each municipality sends in its own name. Empty means the
    # installation's DIGITAL_POST_SENDER_* settings, for one-municipality
    # installations.
    digital_post_sender_cvr = models.CharField(
        _("Digital Post sender CVR number"),
        max_length=8,
        blank=True,
        validators=[validate_cvr_field],
        help_text=_("The CVR number Digital Post letters are sent from, e.g. the municipality's."),
    )
    digital_post_sender_label = models.CharField(
        _("Digital Post sender name"),
        max_length=200,
        blank=True,
        help_text=_("The sender's name the citizen sees; the jobcentre's name when empty."),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def digital_post_sender(self) -> tuple[str, str, str] | None:
        """(sender id, id type, label) of the MeMo Sender, or None for the global one."""
        if not self.digital_post_sender_cvr:
            return None
        label = self.digital_post_sender_label or self.jobcentre_name
        return self.digital_post_sender_cvr, "CVR", label


class Clinic(models.Model):
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The clinic number (ydernummer) the register knows the clinic by.
    provider_number = models.CharField(_("provider number (ydernummer)"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_number"],
                condition=~Q(provider_number=""),
                name="unique_clinic_number",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(models.QuerySet["Person"]):
    def with_cpr(self, number: str) -> PersonQuerySet:
        return self.filter(cpr_hash=cpr_lookup_hash(number))

    def employee_of(self, employer: Employer, *, cpr: str) -> Person | None:
        """The employer's employee with this CPR number, or None.

        Unknown and employed elsewhere look the same on purpose: an employer
        must not learn who exists in the register.
        """
        return (
            self.with_cpr(cpr)
            .filter(employments__employer=employer)
            .select_related("municipality")
            .first()
        )


class Person(models.Model):
    """A citizen. The CPR number is stored only encrypted, found by keyed hash."""

    class Language(models.TextChoices):
        DANISH = "da", _("Danish")
        ENGLISH = "en", _("English")

    cpr_ciphertext = models.TextField(editable=False)
    cpr_hash = models.CharField(max_length=64, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("home municipality"),
        on_delete=models.PROTECT,
        related_name="residents",
    )
    clinic = models.ForeignKey(
        Clinic,
        verbose_name=_("own doctor's clinic"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patients",
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.DANISH
    )
    # False for a person known only from what a requester gave: not in
    # the register until a caseworker confirms who they are, so the local
    # register never answers with a name an employer typed.
    identity_confirmed = models.BooleanField(_("identity confirmed"), default=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def cpr(self) -> str:
        return decrypt_cpr(self.cpr_ciphertext)

    @cpr.setter
    def cpr(self, number: str) -> None:
        self.cpr_ciphertext = encrypt_cpr(number)
        self.cpr_hash = cpr_lookup_hash(number)

    @property
    def cpr_formatted(self) -> str:
        return format_cpr(self.cpr)

    @property
    def cpr_masked(self) -> str:
        # The admin's add form shows it for a person without a number yet.
        return mask_cpr(self.cpr) if self.cpr_ciphertext else ""


class Employment(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employments")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="employments")
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    started_on = models.DateField(_("employed since"), null=True, blank=True)

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        constraints = [
            models.UniqueConstraint(fields=["person", "employer"], name="unique_employment")
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.employer.name}"


class Role(models.TextChoices):
    """The role values are part of the API contract (DESIGN.md §6, ``GET /me``)."""

    EMPLOYER = "employer", _("HR at the employer")
    MANAGER = "manager", _("Nearest manager")
    EMPLOYEE = "employee", _("Employee")
    DOCTOR = "doctor", _("Doctor")
    CASEWORKER = "caseworker", _("Caseworker")
    JOBCENTRE_MANAGER = "jobcentre_manager", _("Jobcentre manager")
    # Sees statistics across municipalities, per municipality only and never a case
    # or a person (the ministry, KL): belongs to no organisation.
    ADMINISTRATOR = "administrator", _("Administrator across municipalities")


EMPLOYER_ROLES = frozenset({Role.EMPLOYER, Role.MANAGER})
JOBCENTRE_ROLES = frozenset({Role.CASEWORKER, Role.JOBCENTRE_MANAGER})

# Which organisation field each role requires; all other fields must be empty.
ROLE_ORGANISATION_FIELD = {
    Role.EMPLOYER: "employer",
    Role.MANAGER: "employer",
    Role.EMPLOYEE: "person",
    Role.DOCTOR: "clinic",
    Role.CASEWORKER: "municipality",
    Role.JOBCENTRE_MANAGER: "municipality",
}
_ORGANISATION_FIELDS = ("employer", "municipality", "clinic", "person")
# Roles that belong to no organisation: every organisation field stays empty.
UNATTACHED_ROLES = frozenset({Role.ADMINISTRATOR})


def _membership_shape() -> Q:
    shape = Q()
    for role, field in ROLE_ORGANISATION_FIELD.items():
        filled = {f"{field}__isnull": False}
        empty = {f"{other}__isnull": True for other in _ORGANISATION_FIELDS if other != field}
        shape |= Q(role=role, **filled, **empty)
    for role in sorted(UNATTACHED_ROLES):
        shape |= Q(role=role, **{f"{field}__isnull": True for field in _ORGANISATION_FIELDS})
    return shape


class Membership(models.Model):
    """Ties a user to one organisation with a role, or to a Person as employee."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="membership"
    )
    # The language the user chose with the switcher: their letters and inbox
    # subjects are written in it. An employee's is kept on their person,
    # which their Digital Post letters follow too (``language_of``).
    language = models.CharField(
        _("language"), max_length=2, choices=Person.Language.choices, default=Person.Language.DANISH
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(condition=_membership_shape(), name="membership_matches_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation_name}"

    def clean(self) -> None:
        required = ROLE_ORGANISATION_FIELD.get(Role(self.role)) if self.role else None
        errors: dict[str, Any] = {}
        for field in _ORGANISATION_FIELDS:
            filled = getattr(self, f"{field}_id") is not None
            if field == required and not filled:
                errors[field] = _("This role needs this field.")
            elif field != required and filled:
                errors[field] = _("This role must leave this field empty.")
        if errors:
            raise ValidationError(errors)

    @property
    def organisation(self) -> Employer | Municipality | Clinic | Person:
        organisation = getattr(self, ROLE_ORGANISATION_FIELD[Role(self.role)])
        assert organisation is not None
        return organisation

    @property
    def organisation_name(self) -> str:
        if self.role in UNATTACHED_ROLES:
            return str(_("All municipalities"))
        organisation = self.organisation
        if isinstance(organisation, Municipality):
            return organisation.jobcentre_name
        return organisation.name

    @property
    def is_employer_side(self) -> bool:
        return self.role in EMPLOYER_ROLES

    @property
    def is_jobcentre(self) -> bool:
        return self.role in JOBCENTRE_ROLES


def membership_of(user: User | Any) -> Membership | None:
    """The user's membership, or None for anonymous users and bare admins."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        membership: Membership = user.membership
        return membership
    except Membership.DoesNotExist:
        return None


def language_of(user: User | Any) -> str:
    """The language ``user``'s letters are written in: the one they chose, Danish by default."""
    membership = membership_of(user)
    if membership is None:
        return Person.Language.DANISH
    if membership.person_id is not None:
        assert membership.person is not None
        return membership.person.preferred_language or Person.Language.DANISH
    return membership.language or Person.Language.DANISH


def remember_language(user: User | Any, language: str) -> None:
    """Keep the language the user switched to, for the letters written to them later."""
    membership = membership_of(user)
    if membership is None or language not in Person.Language.values:
        return
    if membership.person_id is not None:
        Person.objects.filter(pk=membership.person_id).update(preferred_language=language)
    Membership.objects.filter(pk=membership.pk).update(language=language)
