"""The demo world of DESIGN.md §6."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import translation

from fasttrack.cases.models import FastTrackCase
from fasttrack.people.demo import DEMO_PASSWORD
from fasttrack.people.models import Clinic, Employer, Membership, Municipality, Person, Role

EXPECTED = {
    "hr": (Role.EMPLOYER, "Nordisk Fabrik A/S"),
    "leder": (Role.MANAGER, "Nordisk Fabrik A/S"),
    "janni": (Role.EMPLOYEE, "Janni Mikkelsen"),
    "laege": (Role.DOCTOR, "Lægerne på Nørrebrogade"),
    "sagsbehandler": (Role.CASEWORKER, "Jobcenter København"),
    "jobcenterchef": (Role.JOBCENTRE_MANAGER, "Jobcenter København"),
    "anden-hr": (Role.EMPLOYER, "Havnens Logistik ApS"),
    "anden-sagsbehandler": (Role.CASEWORKER, "Jobcenter Frederiksberg"),
}


def seed() -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [User, Membership, Employer, Municipality, Clinic, Person, FastTrackCase]
    return {model.__name__: model._default_manager.count() for model in models}


@pytest.fixture(autouse=True)
def debug_on(settings):
    settings.DEBUG = True


@pytest.mark.django_db
def test_it_creates_the_users_of_the_contract_with_roles_and_organisations():
    output = seed()
    for username, (role, organisation) in EXPECTED.items():
        membership = Membership.objects.get(user__username=username)
        assert membership.role == role
        assert membership.organisation_name == organisation
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None
        assert username in output
    assert DEMO_PASSWORD in output


@pytest.mark.django_db
def test_it_is_idempotent():
    seed()
    before = counts()
    second = seed()
    assert counts() == before
    assert "0 new users, 0 new cases" in second


@pytest.mark.django_db
def test_it_places_the_parties_where_the_contract_says():
    seed()
    janni = Membership.objects.get(user__username="janni").person
    assert janni is not None
    assert janni.municipality.code == "101"
    assert janni.employments.get().employer.cvr == "29887659"
    assert Membership.objects.get(user__username="laege").clinic == janni.clinic
    assert Membership.objects.get(user__username="anden-hr").organisation == Employer.objects.get(
        cvr="40112235"
    )
    other_caseworker = Membership.objects.get(user__username="anden-sagsbehandler")
    assert other_caseworker.organisation == Municipality.objects.get(code="147")


@pytest.mark.django_db
def test_it_makes_worklists_look_real():
    seed()
    assert Employer.objects.count() >= 5
    assert Person.objects.count() >= 10
    assert Clinic.objects.count() >= 1
    assert FastTrackCase.objects.filter(municipality__code="101").count() >= 4
    assert FastTrackCase.objects.filter(municipality__code="147").exists()


@pytest.mark.django_db
def test_it_leaves_a_history_that_verifies():
    seed()
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("OK")


@pytest.mark.django_db
def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        seed()
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_it_runs_with_debug_off_when_forced(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force", stdout=StringIO())
    assert User.objects.filter(username__in=EXPECTED).count() == len(EXPECTED)


@pytest.mark.django_db
def test_it_loads_users_and_organisations_without_cases_when_asked():
    with translation.override("en"):
        call_command("seed_demo", "--no-cases", stdout=StringIO())
    assert set(EXPECTED) <= set(User.objects.values_list("username", flat=True))
    assert FastTrackCase.objects.count() == 0
    assert Person.objects.with_cpr("1203814562").exists()
