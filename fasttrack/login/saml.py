"""NemLog-in (MitID, MitID Erhverv): from an OIOSAML 3 assertion to a Fasttrack user.

djangosaml2 checks the signature, the audience, the time and the answer to our
own request; this module decides who the person is and whether they may in:

- a **citizen** (an assertion with a CPR number and no CVR number) is the
  person Fasttrack holds under that CPR number, found through the keyed hash;
  the first login gives them a user with the employee role. A CPR number
  Fasttrack does not hold gets no user.
- an **employee of a company** (MitID Erhverv: a CVR number and a persistent
  professional identifier) is the user linked to that identifier; the first
  login links the one active HR or manager user of the company with the CVR
  number whose e-mail address matches the assertion's.

Anyone else, an assertion below the required level of assurance, and a
blocked account (RULES.md R-25) are refused, and the refusal is a failed
login in the access log. The CPR number is never written to any log line.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from djangosaml2.backends import Saml2Backend

from fasttrack.audit.access import log_access
from fasttrack.audit.models import AccessAction, Purpose
from fasttrack.lib.cvr import normalise_cvr
from fasttrack.login.backends import MembershipWithUser
from fasttrack.login.lockout import login_blocked_until
from fasttrack.login.models import NemLogInIdentity
from fasttrack.login.policy import needs_second_factor
from fasttrack.login.saml_config import LEVELS_OF_ASSURANCE, LOA_PREFIX
from fasttrack.people.models import EMPLOYER_ROLES, Membership, Person, Role, membership_of

# OIOSAML 3 attribute names (docs/operations.md lists the ones Fasttrack reads).
LEVEL_OF_ASSURANCE = "https://data.gov.dk/concept/core/nsis/loa"
SPEC_VERSION = "https://data.gov.dk/model/core/specVersion"
CPR_NUMBER = "https://data.gov.dk/model/core/eid/cprNumber"
CVR_NUMBER = "https://data.gov.dk/model/core/eid/professional/cvr"
PROFESSIONAL_UUID = "https://data.gov.dk/model/core/eid/professional/uuid/persistent"
EMAIL = "https://data.gov.dk/model/core/eid/email"
FIRST_NAME = "https://data.gov.dk/model/core/eid/firstName"
LAST_NAME = "https://data.gov.dk/model/core/eid/lastName"

# Where the backend leaves why it refused, for the page that tells the user.
REFUSAL_ATTRIBUTE = "nemlogin_refusal"


class Refusal(TextChoices):
    LOW_ASSURANCE = "low_assurance", _("The login was not secure enough")
    UNKNOWN_CITIZEN = "unknown_citizen", _("No Fast track case knows you")
    UNKNOWN_EMPLOYEE = "unknown_employee", _("Your company has not given you access")
    NOT_HERE = "not_here", _("This login is for citizens and employers")
    INACTIVE = "inactive", _("The user is deactivated")
    BLOCKED = "blocked", _("The account is blocked")
    INCOMPLETE = "incomplete", _("The login did not say who you are")


@dataclass(frozen=True)
class Outcome:
    user: Any = None
    refusal: Refusal | None = None


def _first(attributes: dict[str, list[Any]], name: str) -> str:
    values = attributes.get(name) or []
    return str(values[0]).strip() if values else ""


def level_of_assurance(session_info: dict[str, Any]) -> str:
    """The NSIS level the identity provider vouches for ("Low", "Substantial", "High")."""
    level = _first(session_info.get("ava", {}), LEVEL_OF_ASSURANCE)
    if not level:
        for class_ref, *_rest in session_info.get("authn_info") or []:
            if str(class_ref).startswith(LOA_PREFIX):
                level = str(class_ref).removeprefix(LOA_PREFIX)
    return level


def loa_suffices(level: str, minimum: str) -> bool:
    if level not in LEVELS_OF_ASSURANCE:
        return False
    return LEVELS_OF_ASSURANCE.index(level) >= LEVELS_OF_ASSURANCE.index(minimum)


def identify(session_info: dict[str, Any]) -> Outcome:
    """The Fasttrack user an assertion names, or why there is none."""
    if not loa_suffices(level_of_assurance(session_info), settings.SAML_MINIMUM_LOA):
        return Outcome(refusal=Refusal.LOW_ASSURANCE)
    attributes = session_info.get("ava", {})
    if _first(attributes, CVR_NUMBER):
        outcome = _identify_employee(session_info)
    elif _first(attributes, CPR_NUMBER):
        outcome = _identify_citizen(attributes)
    else:
        return Outcome(refusal=Refusal.INCOMPLETE)
    user = outcome.user
    if user is None:
        return outcome
    if not user.is_active:
        return Outcome(user=user, refusal=Refusal.INACTIVE)
    if needs_second_factor(user):
        # Staff, doctors and operators log in with their password and second
        # factor; KOMBIT's access control would be their SAML way in.
        return Outcome(user=user, refusal=Refusal.NOT_HERE)
    if login_blocked_until(user.get_username()) is not None:
        return Outcome(user=user, refusal=Refusal.BLOCKED)
    return outcome


def _identify_citizen(attributes: dict[str, list[Any]]) -> Outcome:
    cpr = "".join(_first(attributes, CPR_NUMBER).split()).replace("-", "")
    if not (cpr.isdigit() and len(cpr) == 10):
        return Outcome(refusal=Refusal.INCOMPLETE)
    person = Person.objects.with_cpr(cpr).select_related("membership__user").first()
    if person is None:
        return Outcome(refusal=Refusal.UNKNOWN_CITIZEN)
    try:
        return Outcome(user=person.membership.user)
    except Membership.DoesNotExist:
        pass
    return Outcome(user=_new_citizen_user(person, attributes))


def _new_citizen_user(person: Person, attributes: dict[str, list[Any]]) -> Any:
    """A login for a citizen Fasttrack holds, made at their first MitID login."""
    user_model = get_user_model()
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        existing = Membership.objects.filter(person=locked).select_related("user").first()
        if existing is not None:
            return existing.user
        # The username never carries the CPR number: it is random.
        user = user_model(
            username=f"mitid-{secrets.token_hex(6)}",
            first_name=_first(attributes, FIRST_NAME)[:150],
            last_name=_first(attributes, LAST_NAME)[:150],
            email=person.email,
        )
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, role=Role.EMPLOYEE, person=locked)
    return user


def _identify_employee(session_info: dict[str, Any]) -> Outcome:
    attributes = session_info.get("ava", {})
    cvr = normalise_cvr(_first(attributes, CVR_NUMBER))
    subject = _first(attributes, PROFESSIONAL_UUID)
    if not subject and session_info.get("name_id") is not None:
        subject = str(session_info["name_id"].text or "")
    issuer = str(session_info.get("issuer") or "")
    if not (cvr and subject and issuer):
        return Outcome(refusal=Refusal.INCOMPLETE)
    link = (
        NemLogInIdentity.objects.filter(issuer=issuer, subject=subject)
        .select_related("user__membership__employer")
        .first()
    )
    if link is not None:
        membership = membership_of(link.user)
        if link.cvr != cvr or membership is None or not _works_for(membership, cvr):
            return Outcome(refusal=Refusal.UNKNOWN_EMPLOYEE)
        return Outcome(user=link.user)
    email = _first(attributes, EMAIL)
    if not email:
        return Outcome(refusal=Refusal.UNKNOWN_EMPLOYEE)
    candidates = list(
        get_user_model()
        .objects.filter(
            is_active=True,
            email__iexact=email,
            membership__role__in=EMPLOYER_ROLES,
            membership__employer__cvr=cvr,
        )
        .exclude(nemlogin_identities__issuer=issuer)[:2]
    )
    if len(candidates) != 1:
        return Outcome(refusal=Refusal.UNKNOWN_EMPLOYEE)
    try:
        with transaction.atomic():
            NemLogInIdentity.objects.create(
                user=candidates[0], issuer=issuer, subject=subject, cvr=cvr
            )
    except IntegrityError:
        # Linked by a login running at the same moment; the next login finds it.
        return Outcome(refusal=Refusal.UNKNOWN_EMPLOYEE)
    return Outcome(user=candidates[0])


def _works_for(membership: Membership, cvr: str) -> bool:
    return (
        membership.role in EMPLOYER_ROLES
        and membership.employer is not None
        and (membership.employer.cvr == cvr)
    )


class NemLogInBackend(MembershipWithUser, Saml2Backend):
    """djangosaml2's backend with Fasttrack's mapping, lock-out and access log."""

    def authenticate(
        self,
        request: HttpRequest | None,
        session_info: dict[str, Any] | None = None,
        attribute_mapping: Any = None,
        create_unknown_user: bool = False,
        assertion_info: Any = None,
        **kwargs: Any,
    ) -> Any:
        if session_info is None or "ava" not in session_info:
            return None
        outcome = identify(session_info)
        if outcome.refusal is None:
            return outcome.user
        if request is not None:
            setattr(request, REFUSAL_ATTRIBUTE, outcome.refusal)
        log_access(
            user=None,
            action=AccessAction.LOGIN_FAILED,
            purpose=Purpose.SECURITY,
            username=outcome.user.get_username() if outcome.user is not None else "",
            criterion=f"NemLog-in: {outcome.refusal.value}",
            request=request,
        )
        return None
