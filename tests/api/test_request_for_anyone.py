"""R-36: an employer requests for anyone, and learns nothing from the register."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fasttrack.cases import actions
from fasttrack.cases.models import CaseNotice, FastTrackCase, NoticeKind
from fasttrack.notifications.models import Message
from fasttrack.people.models import Employment, Municipality, Person

JANNI_CPR = "1203814562"  # Janni Mikkelsen, 101, employed by Nordisk Fabrik only
AHMED_CPR = "0507762213"  # Ahmed Hassan, 101, employed by Nordisk Fabrik only
UNKNOWN_CPR = "0101010000"


def _body(cpr: str, name: str | None, code: str | None = "101", **more):
    body = {
        "employee_cpr": cpr,
        "first_absence_day": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "expects_over_8_weeks": True,
        "employee_name": name,
        "employee_municipality_code": code,
        **more,
    }
    return {k: v for k, v in body.items() if v is not None}


def _comparable(body: dict) -> dict:
    body = dict(body)
    body.pop("id")
    body.pop("employee")
    return body


def _letters_to(person: Person) -> int:
    return Message.objects.filter(recipient_person=person).count()


def test_it_answers_a_right_name_a_wrong_name_and_an_unknown_number_alike(personas, api_as):
    client = api_as(personas.all()["anden-hr"])
    right = client.post("/api/v1/cases", _body(JANNI_CPR, "Janni Mikkelsen"))
    wrong = client.post("/api/v1/cases", _body(AHMED_CPR, "Ahmed Jensen"))
    unknown = client.post("/api/v1/cases", _body(UNKNOWN_CPR, "Kim Ukendt"))
    assert right.status_code == wrong.status_code == unknown.status_code == 201
    assert _comparable(right.json()) == _comparable(wrong.json()) == _comparable(unknown.json())
    # The employer sees the name it gave, whoever the register says it is.
    assert wrong.json()["employee"] == {"name": "Ahmed Jensen"}
    assert unknown.json()["employee"] == {"name": "Kim Ukendt"}
    # Its lists and case reads do not tell them apart either.
    reads = [client.get(f"/api/v1/cases/{r.json()['id']}").json() for r in (right, wrong, unknown)]
    assert _comparable(reads[0]) == _comparable(reads[1]) == _comparable(reads[2])
    for response in (right, wrong, unknown):
        assert "Ahmed Hassan" not in response.content.decode()


def test_only_a_confirmed_identity_makes_the_employment_and_the_letter(personas, api_as):
    client = api_as(personas.all()["anden-hr"])
    havnen = personas.all()["anden-hr"].membership.employer
    janni = Person.objects.with_cpr(JANNI_CPR).get()
    ahmed = Person.objects.with_cpr(AHMED_CPR).get()
    janni_letters, ahmed_letters = _letters_to(janni), _letters_to(ahmed)
    right = FastTrackCase.objects.get(
        pk=client.post("/api/v1/cases", _body(JANNI_CPR, "J. Mikkelsen")).json()["id"]
    )
    wrong = FastTrackCase.objects.get(
        pk=client.post("/api/v1/cases", _body(AHMED_CPR, "Ahmed Jensen")).json()["id"]
    )
    unknown = FastTrackCase.objects.get(
        pk=client.post("/api/v1/cases", _body(UNKNOWN_CPR, "Kim Ukendt", "147")).json()["id"]
    )
    assert right.identity_confirmed
    assert Employment.objects.filter(person=janni, employer=havnen).exists()
    assert _letters_to(janni) == janni_letters + 1
    for case in (wrong, unknown):
        assert not case.identity_confirmed
        assert CaseNotice.objects.filter(case=case, kind=NoticeKind.IDENTITY_TO_CONFIRM).exists()
    assert not Employment.objects.filter(person=ahmed, employer=havnen).exists()
    assert _letters_to(ahmed) == ahmed_letters
    # The unknown number's case goes to the municipality given, and no other.
    assert unknown.municipality.code == "147"
    stranger = unknown.absence.person
    assert not stranger.identity_confirmed and _letters_to(stranger) == 0
    # Until confirmed, the employee side cannot see the case.
    assert api_as(personas.janni).get(f"/api/v1/cases/{wrong.pk}").status_code == 404

    # The caseworkers confirm; only then do the employment and the letter come.
    actions.confirm_identity(
        case=wrong,
        actor=personas.sagsbehandler,
        name="Ahmed Hassan",
        municipality=ahmed.municipality,
    )
    assert Employment.objects.filter(person=ahmed, employer=havnen).exists()
    assert _letters_to(ahmed) == ahmed_letters + 1
    frederiksberg = Municipality.objects.get(code="147")
    actions.confirm_identity(
        case=unknown,
        actor=personas.all()["anden-sagsbehandler"],
        name="Kim Ukendtsen",
        municipality=frederiksberg,
    )
    stranger.refresh_from_db()
    assert stranger.identity_confirmed and stranger.name == "Kim Ukendtsen"
    assert _letters_to(stranger) == 1
    unknown.refresh_from_db()
    assert unknown.identity_confirmed and unknown.consent_letter_sent_on is not None
    # Confirmed from the queue, where opening the case marks nothing seen: the
    # notice asking for it is settled by the confirmation itself.
    for case in (wrong, unknown):
        notice = CaseNotice.objects.get(case=case, kind=NoticeKind.IDENTITY_TO_CONFIRM)
        assert notice.seen_at is not None


def test_a_caseworker_of_another_municipality_cannot_confirm(personas, api_as):
    client = api_as(personas.all()["anden-hr"])
    case = FastTrackCase.objects.get(
        pk=client.post("/api/v1/cases", _body(UNKNOWN_CPR, "Kim Ukendt", "147")).json()["id"]
    )
    from fasttrack.cases.errors import NotPermitted

    with pytest.raises(NotPermitted):
        actions.confirm_identity(
            case=case,
            actor=personas.sagsbehandler,
            name="Kim",
            municipality=Municipality.objects.get(code="101"),
        )


@pytest.mark.parametrize(
    ("name", "code", "missing"),
    [
        (None, None, ["employee_name", "employee_municipality_code"]),
        ("Kim Ukendt", None, ["employee_municipality_code"]),
        (None, "101", ["employee_name"]),
    ],
)
def test_a_request_for_a_non_employee_without_name_or_municipality_is_422(
    name, code, missing, personas, api_as
):
    for cpr in (JANNI_CPR, UNKNOWN_CPR):
        response = api_as(personas.all()["anden-hr"]).post("/api/v1/cases", _body(cpr, name, code))
        assert response.status_code == 422
        assert sorted(response.json()["errors"]) == sorted(missing)


def test_an_unknown_municipality_code_is_422(personas, api_as):
    response = api_as(personas.all()["anden-hr"]).post(
        "/api/v1/cases", _body(UNKNOWN_CPR, "Kim Ukendt", "999")
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["employee_municipality_code"]


def test_another_absence_while_a_case_is_open_is_409_unless_confirmed(personas, api_as):
    client = api_as(personas.hr)
    first = client.post("/api/v1/cases", _body(JANNI_CPR, None) | {"employer_cvr": "29887659"})
    assert first.status_code == 201
    later_day = (timezone.localdate() - timedelta(days=1)).isoformat()
    second_body = _body(JANNI_CPR, None) | {"first_absence_day": later_day}
    refused = client.post("/api/v1/cases", second_body)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["rule_id"] == "R-34"
    assert str(first.json()["id"]) in problem["detail"]
    confirmed = client.post("/api/v1/cases", second_body | {"new_absence": True})
    assert confirmed.status_code == 201
    new_case = FastTrackCase.objects.get(pk=confirmed.json()["id"])
    assert new_case.previous_case_id == first.json()["id"]
    assert CaseNotice.objects.filter(
        case_id=first.json()["id"], kind=NoticeKind.NEW_ABSENCE
    ).exists()
