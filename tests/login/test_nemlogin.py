"""NemLog-in (MitID, MitID Erhverv) end to end, against a local identity provider.

Each test follows the whole exchange: Fasttrack's signed login request, the
identity provider's signed and encrypted assertion, Fasttrack's answer.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from fasttrack.audit.models import AccessAction, AccessLogEntry
from fasttrack.login.models import NemLogInIdentity
from fasttrack.people.models import Membership, Person, Role
from tests.conftest import Personas
from tests.login.nemlogin_idp import (
    IDP_SLO_URL,
    IDP_SSO_URL,
    IdentityProvider,
    citizen,
    professional,
)

JANNI_CPR = "1203814562"
AHMED_CPR = "0507762213"  # a demo citizen without a login
UNKNOWN_CPR = "0101901234"
NORDISK_FABRIK = "29887659"
HAVNENS_LOGISTIK = "40112235"
HR_UUID = "6d9f4c2e-1111-4a5b-9c8d-000000000001"


def mitid_login(
    client: Client,
    idp: IdentityProvider,
    attributes: dict[str, Any],
    next_url: str = "",
    **answer: Any,
) -> Any:
    """Start the login at Fasttrack, answer it at the identity provider, post the answer back."""
    start = client.get("/saml2/login/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    assert start["Location"].startswith(IDP_SSO_URL)
    return client.post("/saml2/acs/", idp.answer(start["Location"], attributes, **answer))


def logged_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def refusal_page(response: Any) -> str:
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    return str(response.content.decode())


@pytest.fixture(autouse=True)
def no_cpr_in_any_log_line(caplog: pytest.LogCaptureFixture, db: None) -> Any:
    caplog.set_level(logging.DEBUG)
    yield
    for cpr in (JANNI_CPR, AHMED_CPR, UNKNOWN_CPR):
        assert cpr not in caplog.text
        assert not AccessLogEntry.objects.filter(criterion__contains=cpr).exists()
        assert not AccessLogEntry.objects.filter(username__contains=cpr).exists()


def test_it_logs_a_citizen_in_by_cpr_number(
    client: Client, personas: Personas, nemlogin: IdentityProvider
) -> None:
    response = mitid_login(client, nemlogin, citizen(JANNI_CPR), next_url="/borger/")

    assert response.status_code == 302
    assert response["Location"] == "/borger/"
    assert logged_in_user(client) == personas.janni
    assert client.get("/borger/").status_code == 200


def test_it_gives_a_citizen_fasttrack_holds_a_login_at_the_first_mitid_login(
    client: Client, personas: Personas, nemlogin: IdentityProvider
) -> None:
    ahmed = Person.objects.with_cpr(AHMED_CPR).get()
    assert not Membership.objects.filter(person=ahmed).exists()

    mitid_login(client, nemlogin, citizen(AHMED_CPR, first="Ahmed", last="Hassan"))
    user = logged_in_user(client)
    assert user is not None
    assert user.membership.role == Role.EMPLOYEE
    assert user.membership.person == ahmed
    assert AHMED_CPR not in user.username
    assert not user.has_usable_password()

    client.post("/log-ud/")
    mitid_login(Client(), nemlogin, citizen(AHMED_CPR))
    assert Membership.objects.filter(person=ahmed).count() == 1


def test_it_refuses_a_cpr_number_fasttrack_does_not_hold(
    client: Client, personas: Personas, nemlogin: IdentityProvider
) -> None:
    users_before = User.objects.count()

    page = refusal_page(mitid_login(client, nemlogin, citizen(UNKNOWN_CPR)))

    with translation.override("da"):
        assert translation.gettext("You could not be logged in") in page
    assert logged_in_user(client) is None
    assert User.objects.count() == users_before
    failure = AccessLogEntry.objects.get(action=AccessAction.LOGIN_FAILED)
    assert failure.criterion == "NemLog-in: unknown_citizen"


def test_it_refuses_a_login_below_the_substantial_level(
    client: Client, personas: Personas, nemlogin: IdentityProvider
) -> None:
    refusal_page(mitid_login(client, nemlogin, citizen(JANNI_CPR, loa="Low")))

    assert logged_in_user(client) is None
    assert AccessLogEntry.objects.get(action=AccessAction.LOGIN_FAILED).criterion == (
        "NemLog-in: low_assurance"
    )


def test_it_refuses_a_blocked_citizen_R25(
    client: Client, personas: Personas, nemlogin: IdentityProvider
) -> None:
    for _ in range(3):
        Client().post("/log-ind/", {"username": "janni", "password": "wrong"})

    page = refusal_page(mitid_login(client, nemlogin, citizen(JANNI_CPR)))

    with translation.override("da"):
        assert translation.gettext("Try again later, or contact the jobcentre.") in page
    assert logged_in_user(client) is None
    refusal = AccessLogEntry.objects.filter(action=AccessAction.LOGIN_FAILED).first()
    assert refusal is not None
    assert (refusal.username, refusal.criterion) == ("janni", "NemLog-in: blocked")


def test_it_links_an_employee_of_the_company_by_cvr_number_and_e_mail(
    client: Client, personas: Personas, nemlogin: IdentityProvider
) -> None:
    attributes = professional(NORDISK_FABRIK, HR_UUID, "HR@nordiskfabrik.example")

    response = mitid_login(client, nemlogin, attributes)

    assert response.status_code == 302
    assert logged_in_user(client) == personas.hr
    link = NemLogInIdentity.objects.get()
    assert (link.user, link.cvr, link.subject) == (
        personas.hr,
        NORDISK_FABRIK,
        f"urn:uuid:{HR_UUID}",
    )

    # Later logins find the link, whatever the e-mail address says by then.
    again = Client()
    mitid_login(again, nemlogin, professional(NORDISK_FABRIK, HR_UUID, "helle@privat.example"))
    assert logged_in_user(again) == personas.hr


def test_it_refuses_an_employee_the_company_has_not_given_access(
    client: Client, personas: Personas, nemlogin: IdentityProvider
) -> None:
    attributes = professional(NORDISK_FABRIK, HR_UUID, "someone.else@nordiskfabrik.example")

    page = refusal_page(mitid_login(client, nemlogin, attributes))

    with translation.override("da"):
        assert translation.gettext("You could not be logged in") in page
    assert logged_in_user(client) is None
    assert not NemLogInIdentity.objects.exists()


def test_it_refuses_a_linked_identity_that_comes_with_another_company(
    client: Client, personas: Personas, nemlogin: IdentityProvider
) -> None:
    mitid_login(
        Client(), nemlogin, professional(NORDISK_FABRIK, HR_UUID, "hr@nordiskfabrik.example")
    )

    refusal_page(
        mitid_login(
            client, nemlogin, professional(HAVNENS_LOGISTIK, HR_UUID, "hr@nordiskfabrik.example")
        )
    )
    assert logged_in_user(client) is None


def test_it_refuses_the_employer_s_user_of_another_company_by_e_mail(
    client: Client, personas: Personas, nemlogin: IdentityProvider
) -> None:
    # anden-hr works for Havnens Logistik; a Nordisk Fabrik login with that address is not them.
    attributes = professional(NORDISK_FABRIK, HR_UUID, "hr@havnenslogistik.example")

    refusal_page(mitid_login(client, nemlogin, attributes))
    assert logged_in_user(client) is None


def test_it_sends_users_with_a_second_factor_to_their_own_login(
    client: Client, personas: Personas, nemlogin: IdentityProvider
) -> None:
    janni = personas.janni
    janni.is_superuser = True
    janni.save()

    refusal_page(mitid_login(client, nemlogin, citizen(JANNI_CPR)))
    assert logged_in_user(client) is None


def test_it_takes_nemlogin_s_answer_without_a_csrf_token(
    personas: Personas, nemlogin: IdentityProvider
) -> None:
    browser = Client(enforce_csrf_checks=True)

    response = mitid_login(browser, nemlogin, citizen(JANNI_CPR))

    assert response.status_code == 302
    assert logged_in_user(browser) == personas.janni


def test_it_refuses_an_unsigned_assertion(
    client: Client, personas: Personas, nemlogin: IdentityProvider
) -> None:
    response = mitid_login(client, nemlogin, citizen(JANNI_CPR), sign_assertion=False)

    assert response.status_code == 403
    assert logged_in_user(client) is None


def test_it_refuses_an_answer_to_a_request_it_did_not_make(
    client: Client, personas: Personas, nemlogin: IdentityProvider
) -> None:
    start = Client().get("/saml2/login/")
    stolen = nemlogin.answer(start["Location"], citizen(JANNI_CPR))

    response = client.post("/saml2/acs/", stolen)

    assert response.status_code == 403
    assert logged_in_user(client) is None


def test_it_refuses_the_same_answer_twice(
    client: Client, personas: Personas, nemlogin: IdentityProvider
) -> None:
    start = client.get("/saml2/login/")
    answer = nemlogin.answer(start["Location"], citizen(JANNI_CPR))
    assert client.post("/saml2/acs/", answer).status_code == 302
    client.post("/log-ud/")

    replayed = client.post("/saml2/acs/", answer)

    assert replayed.status_code == 403
    assert logged_in_user(client) is None


def test_it_logs_out_at_nemlogin_too(
    client: Client, personas: Personas, nemlogin: IdentityProvider
) -> None:
    mitid_login(client, nemlogin, citizen(JANNI_CPR))

    response = client.post("/log-ud/", follow=False)
    assert response.status_code == 302
    single_logout = client.get(response["Location"])

    assert single_logout.status_code == 302
    assert single_logout["Location"].startswith(IDP_SLO_URL)
    assert logged_in_user(client) is None


def test_it_publishes_metadata_that_asks_for_signed_and_encrypted_assertions(
    client: Client, nemlogin: IdentityProvider
) -> None:
    metadata = client.get("/saml2/metadata/").content.decode()

    assert 'AuthnRequestsSigned="true"' in metadata
    assert 'WantAssertionsSigned="true"' in metadata
    assert 'use="encryption"' in metadata
    assert "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" in metadata
    assert "http://testserver/saml2/acs/" in metadata


def test_it_offers_mitid_on_the_login_page_when_switched_on(
    client: Client, db: None, settings: Any, nemlogin: IdentityProvider
) -> None:
    assert 'href="/saml2/login/' in client.get("/log-ind/").content.decode()
    settings.USE_SAML = False
    assert 'href="/saml2/login/' not in client.get("/log-ind/").content.decode()


@pytest.mark.parametrize("path", ["/saml2/login/", "/saml2/metadata/", "/saml2/acs/", "/saml2/ls/"])
def test_it_has_no_nemlogin_addresses_when_switched_off(
    client: Client, db: None, settings: Any, path: str
) -> None:
    settings.USE_SAML = False

    assert client.get(path).status_code == 404
