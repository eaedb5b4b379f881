"""Who may see which case (R-28), and the one door to health data (R-18).

Pages and API endpoints fetch a case only through ``get_case_for``: a case the
user may not see answers 404, exactly as one that does not exist. Health data
is fetched only through ``get_certificate_for``, which the employer path can
never pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest

from fasttrack.audit.access import (
    AccessAction,
    Purpose,
    log_access,
    log_list_access,
    purpose_of_role,
)
from fasttrack.cases.models import Answers, FastTrackCase, Party, Requester
from fasttrack.documents.models import OpportunityStatement
from fasttrack.medical.models import Certificate, CertificateRequest, RequestStatus
from fasttrack.people.models import EMPLOYER_ROLES, JOBCENTRE_ROLES, Membership, Role, membership_of

CaseRole = Role


def _employer_is_party() -> Q:
    # The employer sees the requests it made, also when it joined a case the
    # employee had requested first: its answers are then on the case.
    employer_answered = Answers.objects.filter(case=OuterRef("pk"), party=Party.EMPLOYER)
    return Q(requested_by=Requester.EMPLOYER) | Q(Exists(employer_answered))


def _visible_to(membership: Membership) -> Q:
    role = Role(membership.role)
    if role == Role.EMPLOYER:
        return Q(absence__employer_id=membership.employer_id) & _employer_is_party()
    if role == Role.MANAGER:
        return Q(nearest_manager_id=membership.user_id)
    if role == Role.EMPLOYEE:
        # A case that only named the person waits for a caseworker to confirm
        # who they are; until then it is not theirs to see.
        return Q(absence__person_id=membership.person_id, identity_confirmed=True)
    if role == Role.DOCTOR and membership.clinic_id is not None:
        sent_to_clinic = CertificateRequest.objects.filter(
            case=OuterRef("pk"), clinic_id=membership.clinic_id
        )
        # A mulighedserklæring's part 2 sent to the clinic shows the
        # case too; its page gives the doctor only that statement.
        statement_at_clinic = OpportunityStatement.objects.filter(
            case=OuterRef("pk"), clinic_id=membership.clinic_id, sent_to_doctor_on__isnull=False
        )
        return Q(Exists(sent_to_clinic)) | Q(Exists(statement_at_clinic))
    if role in JOBCENTRE_ROLES:
        return Q(municipality_id=membership.municipality_id)
    return Q(pk__in=[])


def cases_for(user: Any) -> QuerySet[FastTrackCase]:
    """The cases ``user`` may see, the most urgent first (R-28)."""
    membership = membership_of(user)
    if membership is None:
        return FastTrackCase.objects.none()
    return FastTrackCase.objects.filter(_visible_to(membership)).order_by(
        F("next_deadline_on").asc(nulls_last=True), "pk"
    )


# The user a case object was fetched for by ``get_case_for``: asking again whether
# that user may see it would read the same answer from the database.
_SHOWN_TO = "_fasttrack_shown_to"


def role_in_case(user: Any, case: FastTrackCase) -> CaseRole | None:
    """The user's role in ``case``, or None when the case is not theirs to see."""
    membership = membership_of(user)
    if membership is None:
        return None
    if getattr(case, _SHOWN_TO, None) == user.pk:
        # Fetched through ``get_case_for`` for this user in this request.
        return Role(membership.role)
    if not FastTrackCase.objects.filter(_visible_to(membership), pk=case.pk).exists():
        return None
    return Role(membership.role)


def get_case_for(
    user: Any,
    case_id: int,
    *,
    purpose: str = Purpose.CASE_WORK,
    request: HttpRequest | None = None,
    related: Sequence[str] = (),
    annotations: Mapping[str, Any] | None = None,
) -> tuple[FastTrackCase, CaseRole]:
    """The case and the user's role in it, or ``Http404``; the read is logged (R-25).

    ``related`` and ``annotations`` read more of the case in the same query, for
    a page that needs them; they never widen which cases the user sees."""
    membership = membership_of(user)
    if membership is None:
        raise Http404
    case = (
        cases_for(user)
        .select_related(
            "absence__person__clinic",
            "absence__employer",
            "municipality",
            "caseworker",
            "nearest_manager",
            *related,
        )
        .annotate(**(annotations or {}))
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404
    setattr(case, _SHOWN_TO, user.pk)
    log_access(
        user=user,
        action=AccessAction.READ,
        purpose=purpose,
        person=case.absence.person,
        case=case,
        request=request,
    )
    return case, Role(membership.role)


def get_certificate_for(
    user: Any,
    case: FastTrackCase,
    *,
    purpose: str = Purpose.CASE_WORK,
    request: HttpRequest | None = None,
    requests: Sequence[CertificateRequest] | None = None,
) -> Certificate:
    """The case's latest medical certificate, for those who may read health data.

    The employer and the nearest manager get ``Http404`` whatever the case
    (R-18); so does a doctor for a certificate their clinic was not asked for.
    ``requests``: all the case's certificate requests, read with their
    certificates (``select_related("certificate")``), when the caller has them.
    """
    role = role_in_case(user, case)
    if role is None or role in EMPLOYER_ROLES:
        raise Http404
    clinic_id = None
    if role == Role.DOCTOR:
        membership = membership_of(user)
        assert membership is not None
        if membership.clinic_id is None:
            raise Http404
        clinic_id = membership.clinic_id
    if requests is None:
        certificate = _latest_certificate(case, clinic_id)
    else:
        certificate = _latest_certificate_of(case, requests, clinic_id)
    if certificate is None:
        raise Http404
    log_access(
        user=user,
        action=AccessAction.READ,
        purpose=purpose,
        person=case.absence.person,
        case=case,
        request=request,
    )
    return certificate


def _latest_certificate(case: FastTrackCase, clinic_id: int | None) -> Certificate | None:
    certificates = Certificate.objects.filter(request__case=case).exclude(
        request__status=RequestStatus.CANCELLED
    )
    if clinic_id is not None:
        certificates = certificates.filter(request__clinic_id=clinic_id)
    return certificates.order_by("-received_at", "-pk").first()


def _latest_certificate_of(
    case: FastTrackCase, requests: Sequence[CertificateRequest], clinic_id: int | None
) -> Certificate | None:
    """``_latest_certificate`` chosen from the requests in hand, by the same rules."""
    if any(r.case_id != case.pk for r in requests):
        raise ValueError("The certificate requests are not all the case's.")
    certificates = [
        r.certificate
        for r in requests
        if r.status != RequestStatus.CANCELLED
        and (clinic_id is None or r.clinic_id == clinic_id)
        and _has_certificate(r)
    ]
    return max(certificates, key=lambda c: (c.received_at, c.pk), default=None)


def _has_certificate(certificate_request: CertificateRequest) -> bool:
    if not CertificateRequest.certificate.is_cached(certificate_request):
        raise ValueError("Read the certificate requests with select_related('certificate').")
    return hasattr(certificate_request, "certificate")


def log_cases_shown(
    user: Any,
    cases: Iterable[FastTrackCase | int],
    *,
    request: HttpRequest | None = None,
    purpose: str | None = None,
) -> int:
    """Log that a list showed ``cases`` (objects or ids) to ``user`` (R-25).

    One entry per case, with its person, written in one INSERT (plus one
    query for the persons of cases fetched without their absence). The purpose is the
    user's role's unless given. Returns how many entries were written.
    """
    cases = list(cases)
    if not cases:
        return 0
    case_ids = [case if isinstance(case, int) else case.pk for case in cases]
    # The person of a case fetched with its absence is known already; the rest
    # are looked up together.
    person_of = {
        case.pk: case.absence.person_id
        for case in cases
        if not isinstance(case, int) and FastTrackCase.absence.is_cached(case)
    }
    if missing := [case_id for case_id in case_ids if case_id not in person_of]:
        person_of.update(
            FastTrackCase.objects.filter(pk__in=missing).values_list("pk", "absence__person_id")
        )
    if purpose is None:
        membership = membership_of(user)
        purpose = purpose_of_role(membership.role if membership else None)
    return log_list_access(
        user=user,
        shown=[(person_of.get(case_id), case_id) for case_id in case_ids],
        purpose=purpose,
        request=request,
    )
