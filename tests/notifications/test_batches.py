"""The worker's batches: one claim, one record and a fixed number of statements
for many letters, with every letter still delivered once."""

from __future__ import annotations

import signal
import threading
from collections import Counter
from typing import Any, ClassVar

import pytest
from django.core import mail
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fasttrack.notifications import worker as worker_module
from fasttrack.notifications.channels.email import message_id_for
from fasttrack.notifications.models import Message
from fasttrack.notifications.tasks import deliver_message
from fasttrack.notifications.worker import Batch, OutboxWorker
from tests.notifications.fakes import RefusingForKeyChannel, enqueue_consent_requests
from tests.notifications.test_worker import (  # noqa: F401 (fixtures)
    Workers,
    recorded_sends,
    sends_table,
    wait_for,
    workers,
)


@pytest.fixture(autouse=True)
def locmem_email(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _worker(worker_id: str = "batch-test", **overrides: Any) -> OutboxWorker:
    options: dict[str, Any] = {
        "queue_names": ["default"],
        "interval": 0,
        "batch": True,
        "backend_name": "default",
        "max_tasks": None,
        "worker_id": worker_id,
        "recovery_interval": 3600,
    }
    options.update(overrides)
    return OutboxWorker(**options)


def _claim_and_run(worker: OutboxWorker) -> Batch:
    batch, retrieved = worker._claim_batch()
    assert retrieved and batch is not None
    worker._run_batch(batch)
    return batch


@pytest.mark.django_db
def test_it_delivers_a_batch_and_finishes_its_tasks() -> None:
    messages = enqueue_consent_requests(5)

    batch = _claim_and_run(_worker())

    assert len(batch.deliveries) == 5
    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        f"employee{n}@example.dk" for n in range(5)
    )
    for message in messages:
        message.refresh_from_db()
        assert message.status == Message.Status.SENT
        assert message.attempts == 1
        assert message.claimed_at is None
        assert message.provider_reference == message_id_for(message)
    tasks = DBTaskResult.objects.all()
    assert {(t.status, t.return_value) for t in tasks} == {(TaskResultStatus.SUCCESSFUL, "sent")}
    assert all(t.worker_ids == ["batch-test"] and t.finished_at is not None for t in tasks)


@pytest.mark.django_db
def test_a_failing_letter_neither_loses_nor_repeats_the_others(settings: Any) -> None:
    settings.OUTBOX_CHANNEL_OVERRIDES = {"email": "tests.notifications.fakes.RefusingForKeyChannel"}
    RefusingForKeyChannel.sent = []
    RefusingForKeyChannel.refused_keys = {"case:2:consent_request:employee"}
    messages = enqueue_consent_requests(5)
    failing = messages[2]

    _claim_and_run(_worker())

    keys = [m.dedupe_key for m in messages]
    assert sorted(RefusingForKeyChannel.sent) == sorted(k for k in keys if k != failing.dedupe_key)
    failing.refresh_from_db()
    assert failing.status == Message.Status.QUEUED
    assert failing.attempts == 1
    assert failing.next_attempt_at > timezone.now()
    assert "ConnectionError" in failing.last_error
    # Its retry is a new task, due after the back-off; the batch's tasks are done.
    retry = DBTaskResult.objects.get(id=str(failing.task_id))
    assert retry.status == TaskResultStatus.READY
    assert retry.run_after == failing.next_attempt_at
    finished = DBTaskResult.objects.exclude(id=retry.id)
    assert Counter(t.return_value for t in finished) == {"sent": 4, "retry": 1}
    assert Message.objects.filter(status=Message.Status.SENT).count() == 4

    # A second batch finds nothing due: nothing is sent again.
    assert _worker()._claim_batch() == (None, True)
    assert len(RefusingForKeyChannel.sent) == 4


@pytest.mark.django_db
def test_a_second_task_for_the_same_letter_in_one_batch_sends_nothing() -> None:
    (message,) = enqueue_consent_requests(1)
    with transaction.atomic():
        deliver_message.enqueue(message.pk)

    _claim_and_run(_worker())

    assert len(mail.outbox) == 1
    assert Counter(DBTaskResult.objects.values_list("return_value", flat=True)) == {
        "already_sending": 1,
        "sent": 1,
    }


class StoppingChannel:
    """Sends, and after the second letter stops its worker as SIGTERM would."""

    worker: OutboxWorker | None = None
    sent: ClassVar[list[str]] = []

    def send(self, message: Message) -> str:
        StoppingChannel.sent.append(message.dedupe_key)
        if len(StoppingChannel.sent) == 2:
            assert StoppingChannel.worker is not None
            StoppingChannel.worker.shutdown(signal.SIGTERM, None)
        return f"stopping:{message.pk}"


@pytest.mark.django_db
def test_a_stopped_worker_gives_back_what_it_has_not_sent(settings: Any) -> None:
    settings.OUTBOX_CHANNEL_OVERRIDES = {"email": f"{__name__}.StoppingChannel"}
    StoppingChannel.sent = []
    StoppingChannel.worker = worker = _worker()
    messages = enqueue_consent_requests(4)

    _claim_and_run(worker)

    sent = StoppingChannel.sent
    assert len(sent) == 2
    for message in messages:
        message.refresh_from_db()
        if message.dedupe_key in sent:
            assert (message.status, message.attempts) == (Message.Status.SENT, 1)
        else:
            # Back in the queue as if never claimed, its task ready again.
            assert (message.status, message.attempts) == (Message.Status.QUEUED, 0)
            assert message.claimed_at is None
            task = DBTaskResult.objects.get(id=str(message.task_id))
            assert (task.status, task.started_at) == (TaskResultStatus.READY, None)

    # Another worker delivers the rest, once each.
    settings.OUTBOX_CHANNEL_OVERRIDES = {}
    _claim_and_run(_worker("next"))
    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        m.recipient_address for m in messages if m.dedupe_key not in sent
    )
    assert not Message.objects.exclude(status=Message.Status.SENT).exists()


@pytest.mark.django_db
def test_a_batch_out_of_time_records_what_it_sent_and_gives_back_the_rest() -> None:
    messages = enqueue_consent_requests(3)
    worker = _worker()
    # Out of time as soon as one letter has gone out (each batch sends one).
    worker.batch_seconds = 0

    _claim_and_run(worker)

    assert [email.to[0] for email in mail.outbox] == [messages[0].recipient_address]
    assert Counter(Message.objects.values_list("status", flat=True)) == {
        Message.Status.SENT: 1,
        Message.Status.QUEUED: 2,
    }
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 2
    assert set(Message.objects.values_list("attempts", flat=True)) == {0, 1}


@pytest.mark.django_db
def test_the_statements_per_batch_do_not_grow_with_its_size(settings: Any) -> None:
    settings.OUTBOX_WORKER_BATCH_SIZE = 50
    settings.OUTBOX_WORKER_BATCH_SECONDS = 3600
    counts = []
    for start, size in ((0, 2), (100, 20)):
        enqueue_consent_requests(size, start=start)
        with CaptureQueriesContext(connection) as queries:
            batch = _claim_and_run(_worker())
        assert len(batch.deliveries) == size
        # Not the savepoints that stand for the two transactions' BEGIN and
        # COMMIT inside the test's transaction.
        counts.append(
            sum(1 for q in queries.captured_queries if "SAVEPOINT" not in q["sql"].upper())
        )
    assert len(mail.outbox) == 22
    # The claim (the commit setting on PostgreSQL, the tasks read and marked,
    # the messages read and marked) and the record (the sent messages, the
    # tasks' results), whatever the batch's size.
    assert counts[0] == counts[1]
    assert counts[1] <= 7


# Several workers, and a worker killed in the middle of a batch (PostgreSQL) ------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_take_different_letters(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: two connections claiming at once.")
    settings.OUTBOX_WORKER_BATCH_SIZE = 4
    enqueue_consent_requests(10)
    holding, release = threading.Event(), threading.Event()
    real_claim = worker_module.claim_messages

    def claim_and_hold(message_ids: list[int], *, now: Any) -> Any:
        claimed = real_claim(message_ids, now=now)
        if threading.current_thread().name == "first":
            # The first claim's transaction stays open, its rows locked.
            holding.set()
            release.wait(10)
        return claimed

    monkeypatch.setattr(worker_module, "claim_messages", claim_and_hold)
    batches: dict[str, Batch | None] = {}

    def claim(name: str) -> None:
        try:
            batches[name] = _worker(name)._claim_batch()[0]
        finally:
            connections.close_all()

    first = threading.Thread(target=claim, args=("first",), name="first")
    first.start()
    try:
        assert holding.wait(10), "the first claim never got its rows"
        second = threading.Thread(target=claim, args=("second",), name="second")
        second.start()
        # It skips the rows the first holds instead of waiting for them.
        second.join(10)
        assert not second.is_alive()
    finally:
        release.set()
        first.join(10)

    first_batch, second_batch = batches["first"], batches["second"]
    assert first_batch is not None and second_batch is not None
    first_ids = {message_id for _, message_id in first_batch.deliveries}
    second_ids = {message_id for _, message_id in second_batch.deliveries}
    assert len(first_ids) == len(second_ids) == 4
    assert not first_ids & second_ids
    assert {m.pk for m in first_batch.messages} == first_ids
    assert {m.pk for m in second_batch.messages} == second_ids
    claimed = Message.objects.filter(pk__in=first_ids | second_ids)
    assert {(m.status, m.attempts) for m in claimed} == {(Message.Status.SENDING, 1)}
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    assert sorted(len(t.worker_ids) for t in running) == [1] * 8


BATCH = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_leaves_every_letter_delivered_once(
    workers: Workers,  # noqa: F811
    sends_table: None,  # noqa: F811
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: several worker processes on one database.")
    messages = enqueue_consent_requests(2 * BATCH)
    expected = {m.recipient_address: message_id_for(m) for m in messages}
    workers.env.update(
        OUTBOX_TEST_BATCH_SIZE=str(BATCH),
        OUTBOX_TEST_BATCH_SECONDS="2.5",
        OUTBOX_TEST_STALE_SECONDS="6",
        OUTBOX_TEST_SEND_DELAY="0.1",
    )

    victim = workers.start()
    wait_for(
        lambda: sum(1 for *_, pid in recorded_sends() if pid == victim.pid) >= 3,
        timeout=30,
        what="the first worker to send",
    )
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    # Killed in the middle of its first batch: it sent some letters and
    # recorded none of them.
    assert not Message.objects.filter(status=Message.Status.SENT).exists()
    sent_by_victim = {h for h, _, pid in recorded_sends() if pid == victim.pid}
    survivors = [workers.start(), workers.start()]

    wait_for(
        lambda: not Message.objects.exclude(status=Message.Status.SENT).exists(),
        timeout=60,
        what="every message to be sent",
    )
    for process in survivors:
        process.send_signal(signal.SIGTERM)
    for process in survivors:
        assert process.wait(15) == 0, workers.log(process)

    sends = recorded_sends()
    for header, recipient, _ in sends:
        assert header == expected[recipient]
    copies = Counter(header for header, _, _ in sends)
    # Every letter arrived under its own Message-ID; the ones the victim sent
    # without recording went out once more after the recovery, with the same
    # id for the receiving side to drop. Nothing else went out twice.
    assert set(copies) == set(expected.values())
    assert {h for h, n in copies.items() if n > 1} == sent_by_victim
    assert max(copies.values()) == 2
    # The recovery took over the victim's whole batch: its tasks failed as a
    # dead worker's, its letters were claimed a second time.
    lost = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    assert lost.count() == BATCH
    assert {t.exception_class_path for t in lost} == {"fasttrack.notifications.errors.WorkerLost"}
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()
    assert Message.objects.filter(attempts=2).count() == BATCH
    assert not Message.objects.filter(attempts__gt=2).exists()
