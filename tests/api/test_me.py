"""GET /api/v1/me for each persona (DESIGN.md §6)."""

from __future__ import annotations

import pytest

EXPECTED = {
    "hr": {
        "username": "hr",
        "role": "employer",
        "organisation": {"kind": "employer", "name": "Nordisk Fabrik A/S", "cvr": "29887659"},
        "cpr": None,
    },
    "leder": {
        "username": "leder",
        "role": "manager",
        "organisation": {"kind": "employer", "name": "Nordisk Fabrik A/S", "cvr": "29887659"},
        "cpr": None,
    },
    "janni": {
        "username": "janni",
        "role": "employee",
        "organisation": {"kind": "person", "name": "Janni Mikkelsen"},
        "cpr": "1203814562",
    },
    "laege": {
        "username": "laege",
        "role": "doctor",
        "organisation": {"kind": "clinic", "name": "Lægerne på Nørrebrogade"},
        "cpr": None,
    },
    "sagsbehandler": {
        "username": "sagsbehandler",
        "role": "caseworker",
        "organisation": {
            "kind": "municipality",
            "name": "Jobcenter København",
            "municipality_code": "101",
        },
        "cpr": None,
    },
    "jobcenterchef": {
        "username": "jobcenterchef",
        "role": "jobcentre_manager",
        "organisation": {
            "kind": "municipality",
            "name": "Jobcenter København",
            "municipality_code": "101",
        },
        "cpr": None,
    },
    "anden-hr": {
        "username": "anden-hr",
        "role": "employer",
        "organisation": {"kind": "employer", "name": "Havnens Logistik ApS", "cvr": "40112235"},
        "cpr": None,
    },
    "anden-sagsbehandler": {
        "username": "anden-sagsbehandler",
        "role": "caseworker",
        "organisation": {
            "kind": "municipality",
            "name": "Jobcenter Frederiksberg",
            "municipality_code": "147",
        },
        "cpr": None,
    },
}


@pytest.mark.parametrize("username", EXPECTED)
def test_it_describes_each_persona_exactly(username, personas, api_as):
    response = api_as(personas.all()[username]).get("/api/v1/me")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == EXPECTED[username]


def test_it_covers_all_eight_personas(personas):
    assert set(EXPECTED) == set(personas.all())


def test_it_answers_me_with_at_most_three_queries(personas, api_as, django_assert_max_num_queries):
    api = api_as(personas.sagsbehandler)
    api.get("/api/v1/me")  # the first use writes last_used_at
    # One query finds the token with the user, membership and organisation;
    # one statement counts the request against the rate limit.
    with django_assert_max_num_queries(2):
        assert api.get("/api/v1/me").status_code == 200


def test_it_never_puts_the_cpr_in_a_header(personas, api_as):
    response = api_as(personas.janni).get("/api/v1/me")

    assert "1203814562" in response.content.decode()
    assert all("1203814562" not in value for value in response.headers.values())


def test_it_answers_in_the_requested_language(personas, api_as):
    api = api_as(personas.hr)

    assert api.get("/api/v1/me")["Content-Language"] == "da"
    assert api.get("/api/v1/me", headers={"Accept-Language": "en"})["Content-Language"] == "en"


def test_it_logs_the_employees_read_of_their_own_cpr(personas, api_as):
    audit = pytest.importorskip("fasttrack.audit.models")

    api_as(personas.janni).get("/api/v1/me")
    api_as(personas.hr).get("/api/v1/me")

    entries = audit.AccessLogEntry.objects.all()
    assert [(entry.user_id, entry.purpose) for entry in entries] == [
        (personas.janni.pk, "own_data")
    ]
