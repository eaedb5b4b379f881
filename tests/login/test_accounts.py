"""``fasttrack add_user`` and the single-use link to choose a password."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from fasttrack.login.accounts import split_name
from fasttrack.login.models import AccountInvitation
from fasttrack.people.models import Membership, Person

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "en-lang-og-god-adgangskode-42"


def _add_user(*args: str) -> str:
    out = StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


def _link_path(output: str) -> str:
    match = re.search(r"https?://[^/\s]+(/konto/aktiver/[^\s]+/)", output)
    assert match, output
    return match.group(1)


@pytest.mark.parametrize(
    ("role", "organisation", "field"),
    [
        ("employer", "29887659", "employer"),
        ("manager", "29887659", "employer"),
        ("caseworker", "851", "municipality"),
        ("jobcentre_manager", "751", "municipality"),
        ("doctor", "012345", "clinic"),
    ],
)
def test_it_makes_an_account_for_every_party(personas, role, organisation, field) -> None:
    _add_user("ny", "--role", role, "--organisation", organisation, "--email", "ny@example.dk")
    membership = Membership.objects.get(user__username="ny")
    assert membership.role == role
    assert getattr(membership, f"{field}_id") is not None
    assert not membership.user.has_usable_password()


def test_an_employee_gets_an_account_by_cpr_and_chooses_a_password(personas, client) -> None:
    person = Person(
        name="Kim Ukendt", municipality_id=personas.janni.membership.person.municipality_id
    )
    person.cpr = "0101010000"
    person.save()
    output = _add_user("kim", "--role", "employee", "--person", "0101010000")
    assert "0101010000" not in output
    path = _link_path(output)
    assert client.get(path).status_code == 200
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert authenticate(username="kim", password=NEW_PASSWORD) is not None
    assert Membership.objects.get(user__username="kim").person == person
    # Named as the register names the person, on their start page as everywhere.
    kim = User.objects.get(username="kim")
    assert kim.get_full_name() == "Kim Ukendt"
    client.force_login(kim)
    assert "Du er logget ind som Kim Ukendt." in client.get("/borger/").content.decode()
    client.logout()
    # Once only.
    assert client.get(path).status_code == 404
    again = client.post(
        path, {"new_password1": "x" + NEW_PASSWORD, "new_password2": "x" + NEW_PASSWORD}
    )
    assert again.status_code == 404
    assert authenticate(username="kim", password=NEW_PASSWORD) is not None


def test_the_link_expires_after_7_days(personas, client) -> None:
    path = _link_path(_add_user("ny", "--role", "employer", "--organisation", "29887659"))
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert client.get(path).status_code == 404
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "args",
    [
        ("--role", "employer", "--organisation", "12345678"),
        ("--role", "caseworker", "--organisation", "999"),
        ("--role", "doctor", "--organisation", "000000"),
        ("--role", "employee"),
        ("--role", "employee", "--person", "0101010000"),
    ],
)
def test_it_refuses_an_unknown_organisation_or_person(personas, args) -> None:
    with pytest.raises(CommandError):
        _add_user("ny", *args)
    assert not User.objects.filter(username="ny").exists()


def test_it_refuses_a_taken_username(personas) -> None:
    with pytest.raises(CommandError):
        _add_user("hr", "--role", "employer", "--organisation", "29887659")
    assert AccountInvitation.objects.count() == 0


def test_a_user_made_without_a_name_is_greeted_by_username(personas, login) -> None:
    _add_user("hr-uden-navn", "--role", "employer", "--organisation", "29887659")
    user = User.objects.get(username="hr-uden-navn")
    assert user.get_full_name() == ""
    page = login(user).get("/arbejdsgiver/").content.decode()
    assert "Du er logget ind som hr-uden-navn: " in page


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Kim Ukendt", ("Kim", "Ukendt")),
        ("Janni  Mikkelsen Holm ", ("Janni Mikkelsen", "Holm")),
        ("Madonna", ("", "Madonna")),
    ],
)
def test_a_full_name_splits_at_its_last_word(name, parts) -> None:
    assert split_name(name) == parts
