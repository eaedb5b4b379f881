"""Who sees which case (R-28), health data (R-18) and the employee's answers (R-09)."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from fasttrack.audit.models import AccessLogEntry
from fasttrack.cases import actions
from fasttrack.cases.access import cases_for, get_case_for, get_certificate_for
from fasttrack.cases.queries import answers_visible_to, journal_notes_for
from fasttrack.medical.models import CertificateRequest
from tests.cases.conftest import EMPLOYEE_ANSWERS, HAVNENS_LOGISTIK, NORDISK_FABRIK

AHMED, LARS, PETER = "0507762213", "1402704127", "2208799068"


@pytest.fixture
def cases(demo_world, personas, employer_request, travel):
    """Four cases in two municipalities, made by different requesters."""
    janni = employer_request(
        first_absence_day=date(2026, 3, 2), today=date(2026, 3, 6), nearest_manager=personas.leder
    )
    actions.accept(case=janni, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    actions.request_certificate(case=janni, actor=personas.sagsbehandler)
    actions.record_certificate(
        case=janni,
        actor=personas.laege,
        diagnosis="Discusprolaps",
        work_capacity="Nedsat",
        considerations="",
        expected_return="",
        remarks="",
    )

    def request(actor, cpr, cvr, requested_by):
        case, _ = actions.request_fast_track(
            actor=actor,
            person=demo_world.persons[cpr],
            employer=demo_world.employers[cvr],
            first_absence_day=date(2026, 3, 2),
            expects_over_8_weeks=True,
            answers=EMPLOYEE_ANSWERS,
            requested_by=requested_by,
            channel="phone" if requested_by == "caseworker" else "web",
        )
        return case

    # Registered by the jobcentre on Ahmed's behalf: not the employer's request.
    ahmed = request(personas.sagsbehandler, AHMED, NORDISK_FABRIK, "caseworker")
    lars = request(personas.anden_hr, LARS, HAVNENS_LOGISTIK, "employer")
    peter = request(personas.anden_sagsbehandler, PETER, "83960310", "caseworker")
    return {"janni": janni, "ahmed": ahmed, "lars": lars, "peter": peter}


EXPECTED = {
    "hr": {"janni"},
    "leder": {"janni"},
    "janni": {"janni"},
    "laege": {"janni"},
    "sagsbehandler": {"janni", "ahmed", "lars"},
    "jobcenterchef": {"janni", "ahmed", "lars"},
    "anden-hr": {"lars"},
    "anden-sagsbehandler": {"peter"},
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_it_shows_each_persona_exactly_the_cases_r28_allows(personas, cases, persona):
    user = personas.all()[persona]
    names = {pk: name for name, pk in ((n, c.pk) for n, c in cases.items())}

    assert {names[c.pk] for c in cases_for(user)} == EXPECTED[persona]
    for name, case in cases.items():
        if name in EXPECTED[persona]:
            found, role = get_case_for(user, case.pk)
            assert found.pk == case.pk
            assert role == user.membership.role
        else:
            with pytest.raises(Http404):
                get_case_for(user, case.pk)


def test_it_logs_every_read_of_a_case_r25(personas, cases):
    before = AccessLogEntry.objects.count()
    get_case_for(personas.sagsbehandler, cases["janni"].pk)

    entry = AccessLogEntry.objects.latest("id")
    assert AccessLogEntry.objects.count() == before + 1
    assert (entry.action, entry.case_id, entry.person_id) == (
        "read",
        cases["janni"].pk,
        cases["janni"].absence.person_id,
    )


def test_it_answers_404_for_a_case_that_does_not_exist(personas, cases):
    with pytest.raises(Http404):
        get_case_for(personas.sagsbehandler, 999_999)


@pytest.mark.parametrize("persona", ["hr", "leder"])
def test_it_never_gives_the_employer_the_certificate_r18(personas, cases, persona):
    with pytest.raises(Http404):
        get_certificate_for(personas.all()[persona], cases["janni"])


@pytest.mark.parametrize("persona", ["janni", "laege", "sagsbehandler", "jobcenterchef"])
def test_it_gives_the_certificate_to_those_who_may_read_it_and_logs_it(personas, cases, persona):
    before = AccessLogEntry.objects.count()
    certificate = get_certificate_for(personas.all()[persona], cases["janni"])

    assert certificate.diagnosis == "Discusprolaps"
    assert AccessLogEntry.objects.count() == before + 1


@pytest.mark.parametrize(
    "persona", ["janni", "laege", "sagsbehandler", "hr", "anden-sagsbehandler"]
)
def test_it_answers_alike_from_the_certificate_requests_in_hand(personas, cases, persona):
    user, case = personas.all()[persona], cases["janni"]
    requests = list(
        CertificateRequest.objects.filter(case=case).select_related("clinic", "certificate")
    )
    assert requests
    try:
        expected = get_certificate_for(user, case).pk
    except Http404:
        expected = None
    before = AccessLogEntry.objects.count()
    try:
        given = get_certificate_for(user, case, requests=requests).pk
    except Http404:
        given = None

    assert given == expected
    # Each read is logged, whichever way the certificate was found (R-25).
    assert AccessLogEntry.objects.count() == before + (given is not None)


def test_it_refuses_certificate_requests_read_without_their_certificates(personas, cases):
    requests = list(CertificateRequest.objects.filter(case=cases["janni"]))
    with pytest.raises(ValueError, match="select_related"):
        get_certificate_for(personas.janni, cases["janni"], requests=requests)


def test_it_gives_no_certificate_to_anyone_outside_the_case(personas, cases):
    for persona in ("anden-hr", "anden-sagsbehandler"):
        with pytest.raises(Http404):
            get_certificate_for(personas.all()[persona], cases["janni"])


def test_it_hides_the_employees_answers_from_the_employer_r09(cases):
    janni = cases["janni"]
    for role in ("employer", "manager"):
        visible = answers_visible_to(role, janni)
        assert visible["employee"] is None
        assert visible["employer"] is not None
    for role in ("employee", "doctor", "caseworker", "jobcentre_manager"):
        assert answers_visible_to(role, janni)["employee"] is not None


def test_it_keeps_journal_notes_from_the_employer(personas, cases):
    actions.add_journal_note(
        case=cases["janni"], actor=personas.sagsbehandler, text="Ringede til Janni."
    )
    assert not journal_notes_for("employer", cases["janni"]).exists()
    assert journal_notes_for("caseworker", cases["janni"]).count() == 1


def test_it_lists_the_most_urgent_case_first(personas, cases):
    deadlines = [c.next_deadline_on for c in cases_for(personas.sagsbehandler)]
    dated = [d for d in deadlines if d is not None]
    # Cases without a pending deadline come last.
    assert deadlines == sorted(dated) + [None] * (len(deadlines) - len(dated))
