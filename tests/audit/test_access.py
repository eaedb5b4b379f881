"""The access log: who used whose data, when and why (R-25, R-26, R-29)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from fasttrack.audit.access import (
    AccessAction,
    Purpose,
    access_log_for_person,
    failed_logins_since,
    log_access,
    mask_cpr_numbers,
    purge_access_log,
    purpose_label,
)
from fasttrack.audit.models import AccessLogEntry
from fasttrack.people.demo import DemoWorld
from tests.audit.conftest import JANNI_CPR, MakeCase
from tests.conftest import Personas


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("1203814562", "120381-xxxx"),
        ("120381-4562", "120381-xxxx"),
        ("120381 4562", "120381-xxxx"),
        ("cpr:1203814562, navn Janni", "cpr:120381-xxxx, navn Janni"),
        ("1203814562 eller 0507762213", "120381-xxxx eller 050776-xxxx"),
        ("9999999999", "999999-xxxx"),
        ("Janni Mikkelsen", "Janni Mikkelsen"),
        ("CVR 29887659", "CVR 29887659"),
        ("12038145621", "12038145621"),
        ("", ""),
    ],
)
def test_it_masks_cpr_numbers(text: str, masked: str) -> None:
    assert mask_cpr_numbers(text) == masked


def test_it_labels_purposes_and_shows_unknown_ones_as_they_are() -> None:
    assert purpose_label(Purpose.CASE_WORK) == str(Purpose.CASE_WORK.label)
    assert purpose_label("something_else") == "something_else"


@pytest.mark.django_db
class TestLogAccess:
    def test_it_records_who_did_what_to_whom_and_why(
        self, personas: Personas, demo_world: DemoWorld, make_case: MakeCase
    ) -> None:
        case = make_case()
        request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")

        entry = log_access(
            user=personas.sagsbehandler,
            action=AccessAction.READ,
            purpose=Purpose.CASE_WORK,
            person=demo_world.persons[JANNI_CPR],
            case=case,
            request=request,
        )

        entry.refresh_from_db()
        assert entry.user == personas.sagsbehandler
        assert entry.username == "sagsbehandler"
        assert entry.role == "caseworker"
        assert entry.organisation == "Jobcenter København"
        assert entry.action == "read"
        assert entry.purpose == "case_work"
        assert entry.person == demo_world.persons[JANNI_CPR]
        assert entry.case == case
        assert entry.ip == "192.0.2.7"
        assert entry.at <= timezone.now()

    def test_it_never_stores_a_cpr_number_from_a_search(self, personas: Personas) -> None:
        entry = log_access(
            user=personas.sagsbehandler,
            action="search",
            purpose=Purpose.CASE_WORK,
            criterion="cpr=120381-4562",
        )

        entry.refresh_from_db()
        assert entry.criterion == "cpr=120381-xxxx"
        assert "4562" not in entry.criterion

    def test_it_keeps_the_entry_without_an_address(self, personas: Personas) -> None:
        request = RequestFactory().get("/", REMOTE_ADDR="not-an-address")
        entry = log_access(
            user=personas.hr, action="read", purpose=Purpose.CASE_WORK, request=request
        )
        assert entry.ip is None
        assert entry.organisation == "Nordisk Fabrik A/S"

    def test_it_refuses_an_unknown_action(self, personas: Personas) -> None:
        with pytest.raises(ValueError, match="peek"):
            log_access(user=personas.hr, action="peek", purpose=Purpose.CASE_WORK)

    def test_it_keeps_the_username_when_the_user_is_deleted(self, db: None) -> None:
        user = User.objects.create_user("vikar", password="x")
        entry = log_access(user=user, action="read", purpose=Purpose.ADMINISTRATION)
        user.delete()

        entry.refresh_from_db()
        assert entry.user is None
        assert entry.username == "vikar"


@pytest.mark.django_db
class TestFailedLogins:
    def test_it_logs_a_failed_login_with_the_username_tried(
        self, personas: Personas, rf: RequestFactory
    ) -> None:
        request = rf.post("/login/", REMOTE_ADDR="198.51.100.4")
        assert authenticate(request, username="hr", password="wrong") is None

        entry = AccessLogEntry.objects.get(action=AccessAction.LOGIN_FAILED)
        assert entry.username == "hr"
        assert entry.user is None
        assert entry.purpose == Purpose.SECURITY
        assert entry.ip == "198.51.100.4"

    def test_it_masks_a_cpr_number_typed_as_username(self, personas: Personas) -> None:
        assert authenticate(username="1203814562", password="wrong") is None

        entry = AccessLogEntry.objects.get(action=AccessAction.LOGIN_FAILED)
        assert entry.username == "120381-xxxx"

    def test_it_logs_nothing_for_a_good_login(self, personas: Personas, demo_password: str) -> None:
        assert authenticate(username="hr", password=demo_password) == personas.hr
        assert not AccessLogEntry.objects.filter(action=AccessAction.LOGIN_FAILED).exists()


@pytest.mark.django_db
def test_it_shows_the_employee_who_used_their_data_newest_first(
    personas: Personas, demo_world: DemoWorld
) -> None:
    janni = demo_world.persons[JANNI_CPR]
    first = log_access(
        user=personas.hr, action="read", purpose=Purpose.EMPLOYER_FOLLOWUP, person=janni
    )
    own = log_access(user=personas.janni, action="read", purpose=Purpose.OWN_DATA, person=janni)
    last = log_access(
        user=personas.sagsbehandler, action="change", purpose=Purpose.CASE_WORK, person=janni
    )
    log_access(
        user=personas.sagsbehandler,
        action="read",
        purpose=Purpose.CASE_WORK,
        person=demo_world.persons["0507762213"],
    )

    assert list(access_log_for_person(janni)) == [last, first]
    assert list(access_log_for_person(janni, include_own=True)) == [last, own, first]


@pytest.mark.django_db
class TestRetention:
    def test_it_purges_only_entries_older_than_the_limit(self, personas: Personas) -> None:
        now = timezone.now()
        old = log_access(user=personas.hr, action="read", purpose=Purpose.CASE_WORK)
        recent = log_access(user=personas.hr, action="read", purpose=Purpose.CASE_WORK)
        AccessLogEntry.objects.filter(pk=old.pk).update(at=now - timedelta(days=200))
        AccessLogEntry.objects.filter(pk=recent.pk).update(at=now - timedelta(days=100))

        assert purge_access_log(older_than=now - timedelta(days=183)) == 1
        assert list(AccessLogEntry.objects.values_list("pk", flat=True)) == [recent.pk]

    @override_settings(ACCESS_LOG_RETENTION_DAYS=30)
    def test_it_purges_by_the_retention_setting_from_the_command(self, personas: Personas) -> None:
        now = timezone.now()
        for days in (10, 29, 31, 400):
            entry = log_access(user=personas.hr, action="read", purpose=Purpose.CASE_WORK)
            AccessLogEntry.objects.filter(pk=entry.pk).update(at=now - timedelta(days=days))
        out = StringIO()

        call_command("purge", "--only", "access_log_entry", stdout=out)

        assert "Erased 2 access_log_entry row(s)" in out.getvalue()
        assert AccessLogEntry.objects.count() == 2


@pytest.mark.django_db
def test_it_shows_history_and_access_log_read_only_in_the_admin(
    login: Callable[[User], Client], make_case: MakeCase, personas: Personas
) -> None:
    make_case()
    log_access(user=personas.hr, action="read", purpose=Purpose.CASE_WORK)
    client = login(User.objects.create_superuser("admin", password="x"))

    for model in ("caseevent", "accesslogentry"):
        assert client.get(reverse(f"admin:audit_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:audit_{model}_add")).status_code == 403


@pytest.mark.django_db
def test_it_counts_recent_failed_logins_per_username(personas: Personas) -> None:
    for username in ("hr", "hr", "leder", "1203814562"):
        authenticate(username=username, password="wrong")
    since = timezone.now() - timedelta(hours=24)

    assert failed_logins_since("hr", since=since) == 2
    assert failed_logins_since("leder", since=since) == 1
    assert failed_logins_since("120381-4562", since=since) == 1
    assert failed_logins_since("hr", since=timezone.now() + timedelta(seconds=1)) == 0
