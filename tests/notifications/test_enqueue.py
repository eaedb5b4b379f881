"""Writing into the outbox: in the caller's transaction, once per dedupe key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fasttrack.notifications.errors import HealthDataForEmployer, InvalidMessage, NotInTransaction
from fasttrack.notifications.models import Message
from fasttrack.notifications.outbox import enqueue_message
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_it_writes_the_message_and_its_task_together(send: Callable[..., Message]) -> None:
    message = send()

    assert message.status == Message.Status.QUEUED
    assert message.attempts == 0
    assert message.max_attempts == 8
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.READY
    assert task.task_path == "fasttrack.notifications.tasks.deliver_message"
    assert task.args_kwargs == {"args": [message.pk], "kwargs": {}}
    assert str(message.task_id) == str(task.id)


def test_it_leaves_nothing_behind_when_the_action_rolls_back(
    send: Callable[..., Message],
) -> None:
    with pytest.raises(Boom), transaction.atomic():
        send()
        assert Message.objects.count() == 1
        raise Boom

    assert Message.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_it_keeps_one_message_and_one_task_per_dedupe_key(
    send: Callable[..., Message],
) -> None:
    first = send()
    second = send(subject="Another subject, same key")

    assert second.pk == first.pk
    assert second.subject == first.subject
    assert Message.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_it_keeps_different_keys_apart(send: Callable[..., Message]) -> None:
    send(dedupe_key="case:42:consent_request:employee")
    send(dedupe_key="case:42:consent_request:caseworker")
    assert Message.objects.count() == 2
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_run_outside_a_transaction() -> None:
    with pytest.raises(NotInTransaction, match=r"transaction\.atomic"):
        enqueue_message(
            dedupe_key="k",
            kind="reminder",
            channel="email",
            subject="S",
            body_text="B",
            recipient_address="a@example.dk",
        )
    assert Message.objects.count() == 0


def test_it_refuses_health_data_for_the_employer(send: Callable[..., Message]) -> None:
    with pytest.raises(HealthDataForEmployer):
        send(contains_health_data=True, to_employer=True)
    assert Message.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_it_recognises_an_employer_recipient_by_the_user(
    personas: Personas, send: Callable[..., Message]
) -> None:
    with pytest.raises(HealthDataForEmployer):
        send(channel="inbox", recipient_user=personas.hr, contains_health_data=True)
    with pytest.raises(HealthDataForEmployer):
        send(channel="inbox", recipient_user=personas.leder, contains_health_data=True)

    message = send(channel="inbox", recipient_user=personas.hr)
    assert message.to_employer is True


def test_it_lets_health_data_go_to_the_employee_and_the_doctor(
    personas: Personas, send: Callable[..., Message]
) -> None:
    for user in (personas.janni, personas.laege, personas.sagsbehandler):
        message = send(
            dedupe_key=f"case:42:certificate:{user.username}",
            channel="inbox",
            recipient_user=user,
            contains_health_data=True,
        )
        assert message.to_employer is False


def test_the_database_refuses_health_data_for_the_employer_too(
    send: Callable[..., Message],
) -> None:
    message = send()
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.filter(pk=message.pk).update(to_employer=True, contains_health_data=True)


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"channel": "fax"}, "channel"),
        ({"recipient_address": ""}, "e-mail address"),
        ({"channel": "digital_post", "recipient_address": ""}, "person or a CVR"),
        ({"channel": "inbox"}, "recipient user"),
        ({"subject": "Two\nlines"}, "one line"),
        ({"language": "de"}, "language"),
        ({"dedupe_key": ""}, "dedupe key"),
        ({"attachments": [{"filename": "a.txt"}]}, "MIME type"),
    ],
)
def test_it_refuses_a_message_it_could_not_deliver(
    send: Callable[..., Message], overrides: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(InvalidMessage, match=complaint):
        send(**overrides)
    assert Message.objects.count() == 0


def test_it_keeps_no_cpr_number_in_the_outbox(
    personas: Personas, send: Callable[..., Message]
) -> None:
    person = personas.janni.membership.person
    assert person is not None
    message = send(channel="digital_post", recipient_person=person, recipient_address="")

    row = Message.objects.filter(pk=message.pk).values().get()
    assert all(person.cpr not in str(value) for value in row.values())
