"""The jobcentre manager's staff and citizen pages: their own municipality only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from fasttrack.audit.models import AccessLogEntry
from fasttrack.cases.models import FastTrackCase
from fasttrack.login.accounts import create_account
from fasttrack.people.models import Membership, Municipality, Person, Role

PETER_CPR = "2208799068"  # Peter Andersen lives in Frederiksberg
JANNI_CPR = "1203814562"  # Janni Mikkelsen lives in København


@pytest.fixture
def chef(personas, login):
    return login(personas.jobcenterchef)


def _frederiksberg_membership(personas) -> Membership:
    return personas.all()["anden-sagsbehandler"].membership


def test_the_manager_sees_and_manages_their_own_staff(chef, personas) -> None:
    page = chef.get("/jobcenter/personale/").content.decode()
    assert "Sofie Bech" in page
    assert "Nina Friis" not in page  # Frederiksberg's caseworker
    member = personas.sagsbehandler.membership
    assert chef.post(f"/jobcenter/personale/{member.pk}/aktiv/", {"active": "0"}).status_code == 302
    personas.sagsbehandler.refresh_from_db()
    assert not personas.sagsbehandler.is_active
    chef.post(f"/jobcenter/personale/{member.pk}/aktiv/", {"active": "1"})
    chef.post(f"/jobcenter/personale/{member.pk}/rolle/", {"role": "jobcentre_manager"})
    member.refresh_from_db()
    assert member.role == Role.JOBCENTRE_MANAGER


def test_the_manager_creates_a_colleague_with_a_link(chef, client) -> None:
    response = chef.post(
        "/jobcenter/personale/",
        {
            "first_name": "Ole",
            "last_name": "Ny",
            "email": "ole@jobcenter.example",
            "role": "caseworker",
        },
    )
    page = response.content.decode()
    assert 'id="new-staff-link"' in page
    membership = Membership.objects.get(user__username="ole@jobcenter.example")
    assert membership.municipality is not None
    assert (membership.role, membership.municipality.code) == (Role.CASEWORKER, "101")
    assert "/konto/aktiver/" in page


def test_the_manager_cannot_change_their_own_account(chef, personas) -> None:
    own = personas.jobcenterchef.membership
    chef.post(f"/jobcenter/personale/{own.pk}/aktiv/", {"active": "0"})
    chef.post(f"/jobcenter/personale/{own.pk}/rolle/", {"role": "caseworker"})
    personas.jobcenterchef.refresh_from_db()
    own.refresh_from_db()
    assert personas.jobcenterchef.is_active and own.role == Role.JOBCENTRE_MANAGER


def test_another_municipalitys_staff_is_404_everywhere(chef, personas) -> None:
    other = _frederiksberg_membership(personas)
    assert chef.post(f"/jobcenter/personale/{other.pk}/aktiv/", {"active": "0"}).status_code == 404
    assert (
        chef.post(
            f"/jobcenter/personale/{other.pk}/rolle/", {"role": "jobcentre_manager"}
        ).status_code
        == 404
    )
    other.refresh_from_db()
    assert other.user.is_active and other.role == Role.CASEWORKER
    # Nor employers', citizens' or doctors' memberships, for either change.
    for username in ("hr", "leder", "janni", "laege"):
        membership = personas.all()[username].membership
        assert (
            chef.post(f"/jobcenter/personale/{membership.pk}/aktiv/", {"active": "0"}).status_code
            == 404
        )
        assert (
            chef.post(f"/jobcenter/personale/{membership.pk}/rolle/", {"role": "caseworker"})
        ).status_code == 404
        assert User.objects.get(username=username).is_active
        assert Membership.objects.get(pk=membership.pk).role == membership.role


def test_the_staff_list_shows_no_trace_of_another_municipalitys_staff(chef, personas) -> None:
    other = _frederiksberg_membership(personas)
    page = chef.get("/jobcenter/personale/").content.decode()
    assert f'data-member="{other.pk}"' not in page
    assert f"/jobcenter/personale/{other.pk}/" not in page
    assert other.user.get_username() not in page
    assert "Jobcenter Frederiksberg" not in page


def test_a_new_colleague_joins_the_managers_own_municipality_only(chef, personas) -> None:
    frederiksberg = Municipality.objects.get(code="147")
    response = chef.post(
        "/jobcenter/personale/",
        {
            "first_name": "Ole",
            "last_name": "Ny",
            "email": "ole@jobcenter.example",
            "role": "caseworker",
            # Fields the form does not have are ignored, whatever they name.
            "municipality": frederiksberg.pk,
            "municipality_code": "147",
            "organisation": "147",
        },
    )
    assert response.status_code == 200
    membership = Membership.objects.get(user__username="ole@jobcenter.example")
    assert membership.municipality == personas.jobcenterchef.membership.municipality
    # Only the jobcentre's two roles.
    for role in ("employer", "employee", "doctor", "manager"):
        refused = chef.post(
            "/jobcenter/personale/",
            {"first_name": "X", "last_name": "Y", "email": f"{role}@x.example", "role": role},
        )
        assert refused.status_code == 400
        assert not User.objects.filter(username=f"{role}@x.example").exists()


def test_a_new_colleague_cannot_take_over_another_municipalitys_account(chef) -> None:
    frederiksberg = Municipality.objects.get(code="147")
    other, _token = create_account(
        username="ole@frb.example",
        role=Role.CASEWORKER,
        organisation={"municipality": frederiksberg},
        email="ole@frb.example",
        first_name="Ole",
        last_name="Frederiksberg",
    )
    response = chef.post(
        "/jobcenter/personale/",
        {"first_name": "Ole", "last_name": "Ny", "email": "OLE@frb.example", "role": "caseworker"},
    )
    assert response.status_code == 400
    assert 'id="new-staff-link"' not in response.content.decode()
    membership = Membership.objects.get(user=other)
    assert (membership.municipality, membership.role) == (frederiksberg, Role.CASEWORKER)
    other.refresh_from_db()
    assert (other.first_name, other.last_name) == ("Ole", "Frederiksberg")


def test_the_manager_corrects_a_citizen_of_the_municipality_and_it_is_logged(chef) -> None:
    response = chef.post("/jobcenter/borgere/", {"cpr": JANNI_CPR})
    assert response.status_code == 302
    janni = Person.objects.with_cpr(JANNI_CPR).get()
    assert response["Location"] == f"/jobcenter/borgere/{janni.pk}/"
    assert JANNI_CPR not in response["Location"]
    gentofte = Municipality.objects.get(code="157")
    saved = chef.post(
        f"/jobcenter/borgere/{janni.pk}/",
        {"name": "Janni Mikkelsen Holm", "address": "Ny vej 1", "municipality": gentofte.pk},
    )
    assert saved.status_code == 302
    janni.refresh_from_db()
    assert (janni.name, janni.address, janni.municipality) == (
        "Janni Mikkelsen Holm",
        "Ny vej 1",
        gentofte,
    )
    actions = list(
        AccessLogEntry.objects.filter(person=janni, purpose="administration").values_list(
            "action", flat=True
        )
    )
    assert {"search", "read", "change"} <= set(actions)
    # She now lives elsewhere: no longer the manager's to see.
    assert chef.get(f"/jobcenter/borgere/{janni.pk}/").status_code == 404


def test_another_municipalitys_citizen_is_404_and_searches_answer_alike(chef) -> None:
    peter = Person.objects.with_cpr(PETER_CPR).get()
    assert chef.get(f"/jobcenter/borgere/{peter.pk}/").status_code == 404
    frederiksberg = Municipality.objects.get(code="147")
    refused = chef.post(
        f"/jobcenter/borgere/{peter.pk}/",
        {"name": "X", "address": "", "municipality": frederiksberg.pk},
    )
    assert refused.status_code == 404
    peter.refresh_from_db()
    assert peter.name == "Peter Andersen"
    elsewhere = chef.post("/jobcenter/borgere/", {"cpr": PETER_CPR})
    unknown = chef.post("/jobcenter/borgere/", {"cpr": "0101010000"})
    assert elsewhere.status_code == unknown.status_code == 400
    error = 'id="id_cpr-error"'
    assert (
        elsewhere.content.decode().split(error)[1].split("</span>", 2)[1]
        == (unknown.content.decode().split(error)[1].split("</span>", 2)[1])
    )


def test_another_municipalitys_cases_stay_404(chef, personas, demo_cases) -> None:
    other = FastTrackCase.objects.exclude(municipality__code="101").first()
    assert other is not None
    assert chef.get(f"/sager/{other.pk}/").status_code == 404


@pytest.mark.parametrize(
    "username", ["sagsbehandler", "anden-sagsbehandler", "hr", "leder", "janni", "laege"]
)
def test_only_the_jobcentre_manager_has_these_pages(personas, login, username) -> None:
    client = login(personas.all()[username])
    janni = Person.objects.with_cpr(JANNI_CPR).get()
    member = personas.sagsbehandler.membership
    for url in ("/jobcenter/personale/", "/jobcenter/borgere/", f"/jobcenter/borgere/{janni.pk}/"):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"/jobcenter/personale/{member.pk}/aktiv/", {"active": "0"}).status_code == 404
    )
    personas.sagsbehandler.refresh_from_db()
    assert personas.sagsbehandler.is_active
