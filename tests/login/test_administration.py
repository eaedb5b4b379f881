"""The administration is for the installation's operators only (security finding 1).

A jobcentre manager used to be staff in the administration with rights on
persons and memberships, limited to nothing: they could make themselves a
caseworker of another municipality, or a doctor, and edit any municipality's
citizens. Now every party gets 404 there; operators (superusers with a second
factor) get in, and what they read of persons and cases is in the access log.

Issue 12, finding 1 (and finding 7: the administration's reads and its CPR search).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone, translation

from fasttrack.audit.models import AccessAction, AccessLogEntry, Purpose
from fasttrack.cases import actions
from fasttrack.cases.models import FastTrackCase
from fasttrack.people.demo import DemoWorld
from fasttrack.people.models import Clinic, Membership, Municipality, Person, Role
from tests.conftest import Personas, log_in_with_password

Login = Callable[[User], Client]
PETER_CPR = "2208799068"  # a Frederiksberg citizen in the demo world
JANNI_CPR = "1203814562"


@pytest.fixture
def operator(db: None) -> User:
    return User.objects.create_superuser("operator", "drift@example.dk", "operator-password-1")


@pytest.fixture
def janni_case(demo_world: DemoWorld, personas: Personas) -> FastTrackCase:
    today = timezone.localdate()
    case, _created = actions.request_fast_track(
        actor=personas.hr,
        person=demo_world.persons[JANNI_CPR],
        employer=demo_world.employers["29887659"],
        first_absence_day=today - timedelta(days=3),
        expects_over_8_weeks=True,
        answers=None,
        requested_by="employer",
        channel="web",
        today=today,
    )
    return case


def test_it_refuses_the_jobcentre_manager_a_new_role_through_the_administration(
    login: Login, personas: Personas
) -> None:
    manager = login(personas.jobcenterchef)
    membership = personas.jobcenterchef.membership
    frederiksberg = Municipality.objects.get(code="147")
    change = f"/admin/people/membership/{membership.pk}/change/"

    as_caseworker = manager.post(
        change,
        {
            "user": personas.jobcenterchef.pk,
            "role": Role.CASEWORKER,
            "municipality": frederiksberg.pk,
        },
    )
    as_doctor = manager.post(
        change,
        {
            "user": personas.jobcenterchef.pk,
            "role": Role.DOCTOR,
            "clinic": Clinic.objects.all()[0].pk,
        },
    )

    assert (as_caseworker.status_code, as_doctor.status_code) == (404, 404)
    membership.refresh_from_db()
    assert membership.role == Role.JOBCENTRE_MANAGER
    assert membership.municipality == Municipality.objects.get(code="101")
    assert membership.clinic is None


def test_it_refuses_the_jobcentre_manager_another_municipality_s_citizen(
    login: Login, personas: Personas
) -> None:
    manager = login(personas.jobcenterchef)
    peter = Person.objects.with_cpr(PETER_CPR).get()
    change = f"/admin/people/person/{peter.pk}/change/"

    assert manager.get(change).status_code == 404
    response = manager.post(
        change,
        {
            "name": "Changed Name",
            "cpr": "0101901234",
            "municipality": peter.municipality_id,
            "preferred_language": "da",
        },
    )

    assert response.status_code == 404
    peter.refresh_from_db()
    assert peter.name == "Peter Andersen"
    assert peter.cpr == PETER_CPR
    assert not AccessLogEntry.objects.filter(person=peter).exists()


ADMIN_PATHS = [
    "/admin/",
    "/admin/login/",
    "/admin/people/",
    "/admin/people/membership/",
    "/admin/people/membership/1/change/",
    "/admin/people/person/add/",
    "/admin/cases/fasttrackcase/",
    "/admin/no-such-model/",
]


@pytest.mark.parametrize("path", ADMIN_PATHS)
def test_it_shows_no_party_that_the_administration_exists(
    login: Login, personas: Personas, path: str
) -> None:
    for user in personas.all().values():
        assert login(user).get(path).status_code == 404, (user.username, path)


def test_it_gives_staff_who_are_not_operators_404(login: Login, db: None) -> None:
    staff = User.objects.create_user("staff", password="x", is_staff=True)

    assert login(staff).get("/admin/people/membership/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/people/membership/1/change/", "/admin/nothing/"]
)
def test_it_sends_visitors_to_the_one_login_page(client: Client, db: None, path: str) -> None:
    response = client.get(path, follow=True)

    # Every address looks the same from outside: a login page, nothing more.
    assert response.redirect_chain[-1][0].startswith("/log-ind/")
    assert response.status_code == 200


def test_it_sends_an_operator_without_the_second_factor_to_give_it(
    client: Client, operator: User
) -> None:
    client.force_login(operator)

    response = client.get("/admin/people/person/")

    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/kode/")


def test_it_lets_an_operator_in_after_password_and_code(client: Client, operator: User) -> None:
    from fasttrack.login.demo import give_demo_second_factor

    give_demo_second_factor(operator)

    response = log_in_with_password(client, "operator", "operator-password-1")

    assert response.status_code == 302
    assert client.get("/admin/people/person/").status_code == 200


def test_it_logs_the_operator_s_reads_of_a_person_and_a_case_R25(
    login: Login, operator: User, janni_case: FastTrackCase
) -> None:
    client = login(operator)
    janni = janni_case.absence.person

    assert client.get(f"/admin/people/person/{janni.pk}/change/").status_code == 200
    assert client.get(f"/admin/cases/fasttrackcase/{janni_case.pk}/change/").status_code == 200

    reads = AccessLogEntry.objects.filter(user=operator, action=AccessAction.READ).order_by("id")
    assert [(entry.person, entry.case) for entry in reads] == [
        (janni, None),
        (janni, janni_case),
    ]
    assert {entry.purpose for entry in reads} == {Purpose.ADMINISTRATION}


def test_it_logs_the_operator_s_searches_with_cpr_numbers_masked_R29(
    login: Login, operator: User, personas: Personas
) -> None:
    client = login(operator)

    assert client.get("/admin/people/membership/", {"q": "120381 4562"}).status_code == 200

    search = AccessLogEntry.objects.get(user=operator, action=AccessAction.SEARCH)
    assert search.criterion == "people.membership: q=120381-xxxx"
    assert "4562" not in search.criterion


@pytest.mark.cpr_in_url
@pytest.mark.parametrize("typed", ["1203814562", "120381-4562", "120381 4562"])
def test_it_never_searches_a_cpr_number_from_the_address_R29(
    login: Login, operator: User, personas: Personas, typed: str
) -> None:
    client = login(operator)

    response = client.get("/admin/people/person/", {"q": typed, "municipality__id__exact": "1"})

    # Sent back to the list without the number, and told where to look instead.
    assert response.status_code == 302
    assert response["Location"] == "/admin/people/person/?municipality__id__exact=1"
    page = client.get(response["Location"]).content.decode()
    assert 'href="/admin/people/person/cpr/"' in page
    # Nor through the autocomplete that other admin pages ask by GET.
    found = client.get(
        "/admin/autocomplete/",
        {"term": typed, "app_label": "people", "model_name": "employment", "field_name": "person"},
    )
    assert found.json()["results"] == []


def test_it_finds_a_person_by_a_cpr_number_sent_in_the_form_R29(
    login: Login, operator: User, personas: Personas
) -> None:
    client = login(operator)
    janni = Person.objects.with_cpr(JANNI_CPR).get()

    assert client.get("/admin/people/person/cpr/").status_code == 200
    response = client.post("/admin/people/person/cpr/", {"cpr": "120381-4562"})

    assert response.status_code == 302
    assert response["Location"] == f"/admin/people/person/{janni.pk}/change/"
    assert "1203814562" not in response["Location"]
    search = AccessLogEntry.objects.get(user=operator, action=AccessAction.SEARCH)
    assert (search.person, search.criterion) == (janni, "people.person: cpr=120381-xxxx")


def test_it_tells_the_operator_when_no_person_has_the_number(
    login: Login, operator: User, personas: Personas
) -> None:
    client = login(operator)

    response = client.post("/admin/people/person/cpr/", {"cpr": "0101901234"})

    assert response.status_code == 200
    assert response.context["form"].errors["cpr"]
    bad = client.post("/admin/people/person/cpr/", {"cpr": "3213901234"})
    assert bad.context["form"].errors["cpr"]


def test_it_logs_one_read_per_person_an_admin_list_shows_R25(
    login: Login, operator: User, janni_case: FastTrackCase
) -> None:
    client = login(operator)
    persons = set(Person.objects.all())

    client.get("/admin/people/person/")

    reads = AccessLogEntry.objects.filter(user=operator, action=AccessAction.READ)
    assert {entry.person for entry in reads} == persons
    assert reads.count() == len(persons)
    # A list of cases logs each case with its person.
    client.get("/admin/cases/fasttrackcase/")
    case_reads = AccessLogEntry.objects.filter(user=operator, case=janni_case)
    assert [(e.person, e.action) for e in case_reads] == [
        (janni_case.absence.person, AccessAction.READ)
    ]


def test_it_logs_the_operator_s_change_of_a_person_R25(
    login: Login, operator: User, personas: Personas
) -> None:
    client = login(operator)
    peter = Person.objects.with_cpr(PETER_CPR).get()

    response = client.post(
        f"/admin/people/person/{peter.pk}/change/",
        {
            "name": "Peter Andersen",
            "email": "peter@example.dk",
            "municipality": peter.municipality_id,
            "clinic": peter.clinic_id,
            "preferred_language": "da",
            "cpr": "",
        },
    )

    assert response.status_code == 302
    assert AccessLogEntry.objects.filter(
        user=operator, action=AccessAction.CHANGE, person=peter
    ).exists()


def test_it_shows_the_operator_s_read_to_the_citizen_R26(
    login: Login, operator: User, personas: Personas, janni_case: FastTrackCase
) -> None:
    login(operator).get(f"/admin/cases/fasttrackcase/{janni_case.pk}/change/")

    page = login(personas.janni).get("/borger/adgangslog/").content.decode()

    with translation.override("da"):
        assert str(Purpose.ADMINISTRATION.label) in page


def test_it_makes_no_demo_party_staff(personas: Personas) -> None:
    for user in personas.all().values():
        assert not user.is_staff, user.username
        assert not user.is_superuser, user.username
        assert not user.groups.exists(), user.username
    assert Membership.objects.get(user=personas.jobcenterchef).role == Role.JOBCENTRE_MANAGER


def test_it_shows_operators_who_has_a_second_factor_but_never_a_key(
    login: Login, operator: User, personas: Personas
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = login(operator)
    device = TOTPDevice.objects.get(user=personas.sagsbehandler)

    listing = client.get("/admin/otp_totp/totpdevice/")
    detail = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")

    assert listing.status_code == detail.status_code == 200
    assert "sagsbehandler" in listing.content.decode()
    assert device.key not in detail.content.decode()
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    assert client.get("/admin/login/recoverycodedevice/").status_code == 200
    assert client.get("/admin/login/nemloginidentity/").status_code == 200


def test_it_lets_the_operator_add_a_person_without_500(
    login: Login, operator: User, personas: Personas
) -> None:
    client = login(operator)
    assert client.get("/admin/people/person/add/").status_code == 200
    municipality = Person.objects.with_cpr(PETER_CPR).get().municipality_id
    data = {
        "name": "Kim Ukendt",
        "email": "",
        "municipality": municipality,
        "clinic": "",
        "preferred_language": "da",
    }
    missing = client.post("/admin/people/person/add/", data | {"cpr": ""})
    assert missing.status_code == 200  # the form again, with the error at the CPR number
    added = client.post("/admin/people/person/add/", data | {"cpr": "0101010000"})
    assert added.status_code == 302
    assert Person.objects.with_cpr("0101010000").get().name == "Kim Ukendt"
