"""HR chooses the nearest manager, or invites a new one with a single-use link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.utils import timezone, translation

from fasttrack.audit.models import CaseEvent
from fasttrack.audit.verbs import EventVerb
from fasttrack.cases import actions
from fasttrack.cases.models import FastTrackCase, Requester
from fasttrack.notifications.models import Message
from fasttrack.people.models import Membership, Person, Role
from tests.conftest import Personas

JANNI_CPR = "1203814562"
PASSWORD = "en-lang-og-god-adgangskode-42"


@pytest.fixture
def case(personas: Personas) -> FastTrackCase:
    case, _ = actions.request_fast_track(
        actor=personas.hr,
        person=Person.objects.with_cpr(JANNI_CPR).get(),
        employer=personas.hr.membership.employer,
        first_absence_day=timezone.localdate() - timedelta(days=3),
        expects_over_8_weeks=True,
        answers=None,
        requested_by=Requester.EMPLOYER,
        channel="web",
    )
    return case


def test_hr_chooses_one_of_the_employers_managers(case, personas, login) -> None:
    client = login(personas.hr)
    page = client.get(f"/sager/{case.pk}/").content.decode()
    assert 'id="choose-nearest-manager"' in page
    url = f"/sager/{case.pk}/naermeste-leder/"
    response = client.post(url, {"manager": personas.leder.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.nearest_manager == personas.leder
    assert CaseEvent.objects.filter(case=case, verb=EventVerb.NEAREST_MANAGER_SET).exists()
    # The manager now sees the case.
    assert login(personas.leder).get(f"/sager/{case.pk}/").status_code == 200


def test_hr_invites_a_new_manager_whose_link_works_once_and_expires(
    case, personas, login, client
) -> None:
    hr = login(personas.hr)
    data = {"first_name": "Mona", "last_name": "Mester", "email": "Mona@Nordiskfabrik.example"}
    response = hr.post(f"/sager/{case.pk}/naermeste-leder/", data)
    assert response.status_code == 302
    case.refresh_from_db()
    manager = case.nearest_manager
    assert manager.username == "mona@nordiskfabrik.example"
    membership = Membership.objects.get(user=manager)
    assert (membership.role, membership.employer) == (Role.MANAGER, personas.hr.membership.employer)
    event = CaseEvent.objects.get(case=case, verb=EventVerb.NEAREST_MANAGER_INVITED)
    assert event.new["email"] == "mona@nordiskfabrik.example"
    with translation.override("da"):
        invited = str(EventVerb.NEAREST_MANAGER_INVITED.label)
    assert invited in hr.get(f"/sager/{case.pk}/").content.decode()
    letter = Message.objects.get(kind="manager_invitation")
    assert letter.recipient_address == "mona@nordiskfabrik.example"
    match = re.search(r"https?://[^/\s]+(/konto/aktiver/\S+/)", letter.body_text)
    assert match is not None
    path = match.group(1)
    # Valid for 7 days from the invitation, not a minute longer.
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert client.get(path).status_code == 404
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=-1)):
        assert client.get(path).status_code == 200
    client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert authenticate(username=manager.username, password=PASSWORD) is not None
    # Once only.
    assert client.get(path).status_code == 404
    again = client.post(path, {"new_password1": "x" + PASSWORD, "new_password2": "x" + PASSWORD})
    assert again.status_code == 404
    assert authenticate(username=manager.username, password=PASSWORD) is not None
    # The new manager logs in and reaches the case.
    client.logout()
    assert client.login(username=manager.username, password=PASSWORD)
    assert client.get(f"/sager/{case.pk}/").status_code == 200


def test_invite_fields_are_required_without_a_chosen_manager(case, personas, login) -> None:
    response = login(personas.hr).post(f"/sager/{case.pk}/naermeste-leder/", {"email": "x@y.dk"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_first_name-error"' in page and 'id="id_last_name-error"' in page


def test_a_manager_of_another_employer_cannot_be_chosen(case, personas, login) -> None:
    other = login(personas.hr).post(
        f"/sager/{case.pk}/naermeste-leder/", {"manager": personas.all()["anden-hr"].pk}
    )
    assert other.status_code == 400
    case.refresh_from_db()
    assert case.nearest_manager is None


@pytest.mark.parametrize(
    "username", ["anden-hr", "leder", "janni", "sagsbehandler", "anden-sagsbehandler"]
)
def test_no_one_but_the_employers_hr_reaches_it(case, personas, login, username) -> None:
    client = login(personas.all()[username])
    url = f"/sager/{case.pk}/naermeste-leder/"
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"manager": personas.leder.pk}).status_code in (403, 404)
    case.refresh_from_db()
    assert case.nearest_manager is None
