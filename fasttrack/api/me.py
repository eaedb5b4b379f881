"""``/me``: who the token belongs to, and the user's own API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from fasttrack.api.auth import token_of
from fasttrack.api.idempotency import idempotent
from fasttrack.api.models import ApiToken
from fasttrack.api.pagination import CursorPaginator, Page, PageParams, SortKey
from fasttrack.api.problems import Conflict
from fasttrack.api.tokens import issue_token, revoke_token
from fasttrack.people.models import Membership, Municipality, Person, Role, membership_of

router = Router(tags=["me"])

DEFAULT_MAX_ACTIVE_TOKENS = 10


# --- GET /me ------------------------------------------------------------------


class EmployerOrganisation(Schema):
    kind: Literal["employer"] = Field(description="An employer (HR or nearest manager).")
    name: str = Field(description="The employer's name.", examples=["Nordisk Fabrik A/S"])
    cvr: str = Field(description="The employer's CVR number, 8 digits.", examples=["29887659"])


class MunicipalityOrganisation(Schema):
    kind: Literal["municipality"] = Field(description="A municipality's jobcentre.")
    name: str = Field(
        description="The jobcentre's name (the unit the caseworker works in).",
        examples=["Jobcenter København"],
    )
    municipality_code: str = Field(description="The municipality's 3-digit code.", examples=["101"])


class ClinicOrganisation(Schema):
    kind: Literal["clinic"] = Field(description="A general practitioner's clinic.")
    name: str = Field(description="The clinic's name.", examples=["Lægerne på Nørrebrogade"])


class PersonOrganisation(Schema):
    kind: Literal["person"] = Field(
        description="The employee acts for themself: the organisation is the person."
    )
    name: str = Field(description="The employee's own name.", examples=["Janni Mikkelsen"])


class NationalOrganisation(Schema):
    kind: Literal["national"] = Field(
        description="The administrator across municipalities belongs to no organisation."
    )
    name: str = Field(description="What the user sees.", examples=["Alle kommuner"])


Organisation = Annotated[
    EmployerOrganisation
    | MunicipalityOrganisation
    | ClinicOrganisation
    | PersonOrganisation
    | NationalOrganisation,
    Field(discriminator="kind"),
]


class MeOut(Schema):
    username: str = Field(description="The user's login name.", examples=["hr"])
    role: Role = Field(
        description=(
            "The user's one role: employer (HR), manager (nearest manager), employee, "
            "doctor, caseworker, jobcentre_manager or administrator (statistics across "
            "municipalities)."
        ),
        examples=["employer"],
    )
    organisation: Organisation = Field(
        description=(
            "Where the user acts from, by `kind`: employer (with `cvr`), municipality "
            "(the jobcentre, with `municipality_code`), clinic, or person for the employee."
        )
    )
    cpr: str | None = Field(
        description=(
            "The employee's own CPR number (10 digits, no hyphen); null for every other "
            "role. It is only ever in this response body, never in a URL."
        ),
        examples=[None, "1203814562"],
    )


def _organisation(membership: Membership) -> dict[str, Any]:
    role = Role(membership.role)
    if role == Role.ADMINISTRATOR:
        return {"kind": "national", "name": membership.organisation_name}
    organisation = membership.organisation
    if role in (Role.EMPLOYER, Role.MANAGER):
        return {"kind": "employer", "name": organisation.name, "cvr": organisation.cvr}  # type: ignore[union-attr]
    if isinstance(organisation, Municipality):
        return {
            "kind": "municipality",
            "name": organisation.jobcentre_name,
            "municipality_code": organisation.code,
        }
    if isinstance(organisation, Person):
        return {"kind": "person", "name": organisation.name}
    return {"kind": "clinic", "name": organisation.name}


def _log_own_cpr_read(request: HttpRequest, person: Person) -> None:
    # R-25 asks to log reads of personal data; the employee reading their own
    # CPR is logged too when the audit app offers it (imported lazily, so this
    # module does not depend on it being there).
    try:
        from fasttrack.audit.access import AccessAction, Purpose, log_access
    except ImportError:
        return
    log_access(
        user=request.user,
        action=AccessAction.READ,
        purpose=Purpose.OWN_DATA,
        person=person,
        request=request,
    )


@router.get(
    "/me",
    response=MeOut,
    summary="Who am I",
    description=(
        "The user the token belongs to: username, role, organisation and, for the employee "
        "only, their own CPR number. Use it to check a new token."
    ),
)
def get_me(request: HttpRequest) -> dict[str, Any]:
    membership = membership_of(token_of(request).user)
    assert membership is not None  # the authentication refuses users without a role
    cpr = None
    if membership.role == Role.EMPLOYEE and membership.person is not None:
        cpr = membership.person.cpr
        _log_own_cpr_read(request, membership.person)
    return {
        "username": membership.user.get_username(),
        "role": membership.role,
        "organisation": _organisation(membership),
        "cpr": cpr,
    }


# --- /me/tokens ---------------------------------------------------------------


class TokenIn(Schema):
    name: str = Field(
        min_length=1,
        max_length=100,
        description="A name that says where the token is used.",
        examples=["Payroll integration 2026"],
    )


class TokenOut(Schema):
    prefix: str = Field(
        description="The token's public prefix (the 8 characters after `ft_`); identifies it.",
        examples=["Q3x9_aLk"],
    )
    name: str = Field(description="The token's name.", examples=["Payroll integration 2026"])
    created_at: datetime = Field(
        description="When it was created (ISO 8601 with offset).",
        examples=["2026-11-02T09:15:00+01:00"],
    )
    last_used_at: datetime | None = Field(
        description="When it was last used, to the minute; null if never.",
        examples=["2026-11-03T14:02:00+01:00"],
    )
    revoked_at: datetime | None = Field(
        description="When it was revoked; null while it is active.", examples=[None]
    )


class NewTokenOut(TokenOut):
    token: str = Field(
        description=(
            "The token itself. It is shown this once and cannot be retrieved again: "
            "store it in the integration's secret store."
        ),
        examples=["ft_Q3x9_aLk_3q2-7wNfTn0xWZb6c1JkqR8eYh4uP5vG9sLmA0dC2iE"],
    )


class TokenPage(Page[TokenOut]):
    """A page of the user's API tokens, newest first."""


TOKENS = CursorPaginator(
    "me-tokens", SortKey("created_at", descending=True), SortKey("id", descending=True)
)


class TooManyTokens(Conflict):
    problem = "too-many-tokens"
    title = _("Too many tokens")
    default_detail = _("You have too many active API tokens. Revoke one you no longer use.")


def _token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "prefix": token.prefix,
        "name": token.name,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


@router.get(
    "/me/tokens",
    response=TokenPage,
    summary="List my API tokens",
    description=(
        "The user's API tokens, active and revoked, newest first; never the secret part. "
        "Paginated with `limit` and `cursor`."
    ),
)
def list_my_tokens(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    page = TOKENS.page(
        ApiToken.objects.filter(user=token_of(request).user),
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"items": [_token_out(t) for t in page.items], "next": page.next}


@router.post(
    "/me/tokens",
    response={201: NewTokenOut},
    summary="Create another API token for myself",
    description=(
        "Creates a new token for the same user, for example to rotate credentials without "
        "downtime: create the new one, switch, then revoke the old one. The token is in "
        "this response only. Send an `Idempotency-Key` so that a retry after a lost "
        "response gives back the same token instead of creating a second one. A user may "
        "have at most 10 active tokens (409 beyond that)."
    ),
)
@idempotent
def create_my_token(request: HttpRequest, payload: TokenIn) -> Status:
    user = token_of(request).user
    limit = getattr(settings, "API_MAX_ACTIVE_TOKENS", DEFAULT_MAX_ACTIVE_TOKENS)
    if ApiToken.objects.active().filter(user=user).count() >= limit:
        raise TooManyTokens()
    token, raw = issue_token(user=user, name=payload.name)
    return Status(201, {**_token_out(token), "token": raw})


@router.delete(
    "/me/tokens/{prefix}",
    response={204: None},
    summary="Revoke one of my API tokens",
    description=(
        "Revokes the user's token with this prefix at once, also the one making the request. "
        "Revoking a revoked token again is accepted. A prefix that is not one of the user's "
        "tokens answers 404."
    ),
)
def revoke_my_token(
    request: HttpRequest,
    prefix: Annotated[str, Field(min_length=8, max_length=8, description="The token's prefix.")],
) -> Status:
    token = get_object_or_404(ApiToken, user=token_of(request).user, prefix=prefix)
    revoke_token(token)
    return Status(204, None)
