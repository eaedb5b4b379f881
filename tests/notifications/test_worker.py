"""``fasttrack worker``: in-process, and as real processes killed mid-send."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fasttrack.notifications.channels.email import message_id_for
from fasttrack.notifications.models import Message
from fasttrack.notifications.worker import OutboxWorker
from tests.notifications.fakes import SENDS_TABLE, enqueue_consent_requests

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_it_delivers_everything_due_in_batch_mode(
    send: Callable[..., Message], settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for number in range(3):
        send(dedupe_key=f"case:42:reminder:{number}")
    # One message lost its task: the worker's recovery gives it a new one.
    orphan = Message.objects.get(dedupe_key="case:42:reminder:0")
    DBTaskResult.objects.filter(id=str(orphan.task_id)).delete()

    call_command("worker", "--batch")

    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.SENT}
    assert len(mail.outbox) == 3
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()


# The crash test ---------------------------------------------------------------

MESSAGES = 60


def database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{quote(db['USER'] or 'postgres', safe='')}{password}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


class Workers:
    """Worker processes on the test database, with the slow recording e-mail
    backend and seconds-short recovery (tests/notifications/worker_settings.py)."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen[bytes]] = []
        self.env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
            "OUTBOX_TEST_SEND_DELAY": "0.2",
        }

    def start(self) -> subprocess.Popen[bytes]:
        # A file, not a pipe: a full pipe nobody reads would block the worker.
        log = self.log_dir / f"worker-{len(self.processes)}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "fasttrack", "worker", "--interval", "0.05"],
                cwd=REPO,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        return process

    def log(self, process: subprocess.Popen[bytes]) -> str:
        index = self.processes.index(process)
        return (self.log_dir / f"worker-{index}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    started = Workers(tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


@pytest.fixture
def sends_table() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {SENDS_TABLE} (id bigserial PRIMARY KEY, "
            "message_id_header text NOT NULL, recipient text NOT NULL, pid integer NOT NULL)"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {SENDS_TABLE}")


def recorded_sends() -> list[tuple[str, str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT message_id_header, recipient, pid FROM {SENDS_TABLE} ORDER BY id"  # noqa: S608
        )
        return [(str(h), str(r), int(p)) for h, r, p in cursor.fetchall()]


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {what}.")
        time.sleep(0.01)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_delivers_every_message_when_a_worker_is_killed_mid_send(
    workers: Workers, sends_table: None
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: several worker processes on one database.")
    messages = enqueue_consent_requests(MESSAGES)
    expected_header = {f"employee{n}@example.dk": message_id_for(m) for n, m in enumerate(messages)}

    victim = workers.start()
    survivor = workers.start()
    # Kill the victim right after the mail server received a message from it
    # and before it could record the message as sent.
    wait_for(
        lambda: sum(1 for *_, pid in recorded_sends() if pid == victim.pid) >= 5,
        timeout=20,
        what="the first worker to send",
    )
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    in_flight = [h for h, _, pid in recorded_sends() if pid == victim.pid][-1]
    replacement = workers.start()

    wait_for(
        lambda: not Message.objects.exclude(status=Message.Status.SENT).exists(),
        timeout=30,
        what="every message to be sent",
    )
    for process in (survivor, replacement):
        process.send_signal(signal.SIGTERM)
    for process in (survivor, replacement):
        assert process.wait(15) == 0, workers.log(process)

    sends = recorded_sends()
    # Every message reached the mail server, and every copy of a message
    # carried that message's own Message-ID (derived from its dedupe key).
    assert {recipient for _, recipient, _ in sends} == set(expected_header)
    for header, recipient, _ in sends:
        assert header == expected_header[recipient]
    # The message in flight when the worker died was sent again after the
    # recovery: a repeat, with the same key. Nothing else was repeated.
    repeats = {h for h, _, _ in sends if sum(1 for other, _, _ in sends if other == h) > 1}
    assert repeats == {in_flight}
    assert len(sends) == MESSAGES + 1

    lost = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert lost.exception_class_path == "fasttrack.notifications.errors.WorkerLost"
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()
    assert Message.objects.get(provider_reference=in_flight).attempts == 2


# The sweep never starves delivery (Issue 12, finding 9) ---------------------------


def _worker(**overrides: Any) -> OutboxWorker:
    options: dict[str, Any] = {
        "queue_names": ["default"],
        "interval": 0.05,
        "batch": False,
        "backend_name": "default",
        "max_tasks": None,
        "worker_id": "sweep-test",
        "recovery_interval": 0.2,
    }
    options.update(overrides)
    return OutboxWorker(**options)


@pytest.mark.django_db(transaction=True)
def test_it_delivers_letters_while_a_slow_sweep_runs(
    send: Callable[..., Message], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sweeping, release = threading.Event(), threading.Event()

    def slow_sweep(name: str, **options: Any) -> None:
        # A sweep over many cases: it lasts until the test lets it end.
        sweeping.set()
        release.wait(20)

    monkeypatch.setattr("fasttrack.notifications.worker.call_command", slow_sweep)
    # Only the sweep is on trial; the test database (SQLite's shared in-memory
    # cache) refuses, rather than waits for, a second writer.
    monkeypatch.setattr("fasttrack.notifications.worker.recover_outbox", lambda: None)
    for number in range(5):
        send(dedupe_key=f"case:{number}:consent_request:employee")
    worker = _worker(max_tasks=5)
    runner = threading.Thread(target=worker.run)
    runner.start()
    try:
        assert sweeping.wait(10), "the sweep never started"
        wait_for(
            lambda: len(mail.outbox) == 5,
            timeout=10,
            what="every letter to go out while the sweep runs",
        )
        # All five went out while the one sweep was still running.
        assert not release.is_set()
    finally:
        release.set()
        runner.join(10)
    assert not runner.is_alive()
    assert Message.objects.filter(status=Message.Status.SENT).count() == 5


@pytest.mark.django_db(transaction=True)
def test_it_counts_the_interval_from_the_end_of_the_sweep(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rounds: list[tuple[float, float]] = []

    def sweep_of_a_third_of_a_second(name: str, **options: Any) -> None:
        if name != "sweep":
            return
        started = time.monotonic()
        time.sleep(0.3)
        rounds.append((started, time.monotonic()))

    monkeypatch.setattr("fasttrack.notifications.worker.call_command", sweep_of_a_third_of_a_second)
    monkeypatch.setattr("fasttrack.notifications.worker.recover_outbox", lambda: None)
    worker = _worker(recovery_interval=0.2)
    worker.start_periodic()
    try:
        wait_for(lambda: len(rounds) >= 3, timeout=10, what="three sweeps")
    finally:
        worker.stop_periodic()
    # Each sweep starts a whole interval after the one before ended: a sweep
    # longer than the interval never runs back to back with itself.
    for (_, ended), (next_started, _) in itertools.pairwise(rounds):
        assert next_started - ended >= 0.2


@pytest.mark.django_db(transaction=True)
def test_each_round_counts_the_statistics_when_their_count_is_due(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(
        "fasttrack.notifications.worker.call_command",
        lambda name, **options: calls.append((name, options)),
    )
    monkeypatch.setattr("fasttrack.notifications.worker.recover_outbox", lambda: None)

    _worker().recover()

    assert [name for name, _options in calls] == ["sweep", "refresh_statistics"]
    # Only when due: the command itself decides, under its lock, whether to count.
    assert calls[1][1]["if_due"] is True
