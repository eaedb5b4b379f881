"""``make bench``: load a million cases, serve Fasttrack as in production, measure.

Steps, each printed as it runs:

1. drop and recreate the benchmark database (``BENCH_DATABASE_URL``, else
   ``DATABASE_URL``, else ``fasttrack_bench`` on the local server), migrate,
   and load ``BENCH_CASES`` cases with ``bench.generate``;
2. serve Fasttrack, the bare Django baseline and the raw psycopg baseline with
   gunicorn, each the same way (``DEBUG=0``, persistent connections,
   ``BENCH_GUNICORN_WORKERS`` processes), on 127.0.0.1 only;
3. per scenario: a warm-up, then three runs of wrk (``BENCH_SECONDS`` each,
   ``BENCH_CONNECTIONS`` connections); the median of each figure is reported;
4. the deadline sweep over the whole database, twice (the second run must
   change nothing), with its time and peak memory;
5. the worker: two ``fasttrack worker`` processes drain the letters the
   submits queued, to the fake Digital Post and the in-memory e-mail;
6. horizontal scaling: two gunicorn processes and two workers on one
   database take submits at once; no letter may be duplicated and no event lost.

Writes the table to the screen and ``var/bench/results.json`` (and
``results.md``); ``docs/benchmarks.md`` records the latest table.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "var" / "bench"
BIN = REPO / ".venv" / "bin"
LUA = Path(__file__).resolve().parent / "lua"

CASES = int(os.environ.get("BENCH_CASES", "1000000"))
FRESH = int(os.environ.get("BENCH_FRESH", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
# Letters queued before the worker step, beside the ones the submits queued.
LETTERS = int(os.environ.get("BENCH_LETTERS", "0"))
THREADS = 2
GUNICORN_WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "8060"))
# Each wrk run of the submit takes its employees from its own block of the fresh ones.
SUBMIT_BLOCK = 12_000
REFUSED_DATABASES = {"postgres", "test", "template0", "template1"}
# BENCH_REUSE=1 measures the database of the last run again, with its keys, and
# BENCH_STEPS chooses what is measured (the table lacks the ratio without "load").
REUSE = os.environ.get("BENCH_REUSE") == "1"
ALL_STEPS = {"load", "sweep", "worker", "scaling", "statistics"}
STEPS = set(os.environ.get("BENCH_STEPS", ",".join(sorted(ALL_STEPS))).split(",")) & ALL_STEPS
KEY_NAMES = ("SECRET_KEY", "CPR_ENCRYPTION_KEYS", "CPR_HASH_KEY")


def database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = "postgres://postgres@127.0.0.1:5432/fasttrack_bench"
    name = urllib.parse.urlparse(url).path.lstrip("/")
    if not name or name in REFUSED_DATABASES:
        raise SystemExit(f"The benchmark drops and recreates its database; refusing {name!r}.")
    return url


def _local_redis() -> str:
    try:
        socket.create_connection(("127.0.0.1", 6379), 1).close()
    except OSError:
        return ""
    return "redis://127.0.0.1:6379/15"


def bench_env(url: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if not k.startswith(("BENCH_", "PYTEST"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "fasttrack.settings",
            "DEBUG": "0",
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_hex(32),
            "CPR_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "CPR_HASH_KEY": secrets.token_hex(32),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SITE_URL": f"http://127.0.0.1:{PORT}",
            "FASTTRACK_VAR_DIR": str(OUT / "var"),
            # The load generator is one client; the rate limit is not what is measured.
            "API_RATE_LIMIT": "10000000/min",
            "STAFF_SESSION_IDLE_SECONDS": "86400",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
            # Production keeps the API's rate-limit counters in Redis when it has one
            # (README); a database number of its own keeps the benchmark's apart.
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", _local_redis()),
            "PYTHONPATH": str(REPO),
        }
    )
    return env


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def run(command: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, cwd=REPO, check=True, text=True, **kwargs)


def recreate_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def sql(url: str, statement: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else []


# --- servers ---------------------------------------------------------------------------


def _wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"Nothing answers on 127.0.0.1:{port}.")


def _wait_for_answers(port: int, *, ping: bool, timeout: float = 120) -> None:
    """Until every worker process has loaded the application and answers."""
    import urllib.request

    deadline = time.monotonic() + timeout
    answered = 0
    while answered < 4 * GUNICORN_WORKERS:
        if time.monotonic() > deadline:
            raise SystemExit(f"127.0.0.1:{port} does not answer.")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/{'ping' if ping else 'healthz'}",
            method="POST" if ping else "GET",
            data=b"{}" if ping else None,
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local
                answered += response.status in (200, 201)
        except OSError:
            time.sleep(0.5)


@contextmanager
def gunicorn(app: str, port: int, env: dict[str, str]) -> Iterator[None]:
    log = (OUT / f"gunicorn-{port}.log").open("w")
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(GUNICORN_WORKERS),
            "--timeout",
            "60",
            "--no-control-socket",
            "--chdir",
            str(REPO),
        ],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_port(port)
        _wait_for_answers(port, ping=app.startswith("bench.baseline"))
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
        log.close()


# --- load ----------------------------------------------------------------------------


def wrk(port: int, script: str, args: list[str], seconds: int) -> dict[str, Any]:
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA / script),
        f"http://127.0.0.1:{port}",
        "--",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    # Let the server finish what wrk left queued before the next run starts.
    time.sleep(2)
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    if summary["unexpected"] or summary["socket_errors"]:
        say(f"  {summary['unexpected']} unexpected statuses: {done.stderr.strip()[:300]}")
    return dict(summary)


def measure(name: str, port: int, script: str, args: Any) -> dict[str, Any]:
    """A warm-up and three runs; the median of each figure. ``args`` may be a function of
    the run's number (0 is the warm-up) for scripts that need fresh data each run."""
    make_args = args if callable(args) else (lambda _run: args)
    wrk(port, script, make_args(0), WARMUP)
    runs = [wrk(port, script, make_args(number), SECONDS) for number in (1, 2, 3)]
    row = {
        key: round(statistics.median(run[key] for run in runs), 2)
        for key in ("rps", "p50_ms", "p95_ms", "p99_ms")
    }
    row["unexpected"] = sum(run["unexpected"] + run["socket_errors"] for run in runs)
    row["requests"] = sum(run["requests"] for run in runs)
    say(
        f"  {name}: {row['rps']} req/s, p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, "
        f"p99 {row['p99_ms']} ms ({row['unexpected']} unexpected)"
    )
    return {"name": name, **row}


def submit_args(prepared: dict[str, Any], block: int) -> list[str]:
    return [
        str(block * SUBMIT_BLOCK),
        prepared["hr_token"],
        prepared["first_absence_day"],
        str(THREADS),
    ]


# --- the sweep and the worker -------------------------------------------------------


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Seconds, peak resident memory in MB, and the output of ``command``."""
    started = time.monotonic()
    process = subprocess.Popen(
        command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    return seconds, usage.ru_maxrss / 1024, output


def statistics_periods(today: datetime.date) -> dict[str, str]:
    """This month, this quarter and this year, as ``bench_statistics --period`` reads them."""
    return {
        "month": f"{today.year}-{today.month:02d}",
        "quarter": f"{today.year}-K{(today.month - 1) // 3 + 1}",
        "year": str(today.year),
    }


def dashboards(env: dict[str, str]) -> list[dict[str, Any]]:
    """One row per dashboard and period, timed in-process by ``fasttrack
    bench_statistics`` (the statistics' target: p95 < 500 ms on a national database)."""
    # The administrator's figures read tallies counted ahead: count them first, as
    # the worker does every STATISTICS_REFRESH_SECONDS, and report what that costs.
    seconds, rss, _output = timed([str(BIN / "fasttrack"), "refresh_statistics"], env)
    rows: list[dict[str, Any]] = [
        {"name": "statistics_refresh", "seconds": round(seconds, 2), "peak_rss_mb": round(rss)}
    ]
    say(f"  counting the tallies ahead: {seconds:.1f} s, {rss:.0f} MB")
    for span, code in statistics_periods(datetime.date.today()).items():
        _seconds, _rss, output = timed(
            [str(BIN / "fasttrack"), "bench_statistics", "--period", code, "--repeat", "10"], env
        )
        results = json.loads(output[output.index("{") :])
        for dashboard in ("jobcentre", "employer", "national"):
            figures = results[dashboard]
            rows.append(
                {
                    "name": f"statistics_{dashboard}_{span}",
                    "p50_ms": figures["p50_ms"],
                    "p95_ms": figures["p95_ms"],
                    "queries": figures["queries"],
                }
            )
            say(
                f"  {dashboard} {span}: p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
                f"{figures['queries']} queries"
            )
    return rows


WORLD_FINGERPRINT = """
SELECT (SELECT count(*) FROM audit_caseevent),
       (SELECT count(*) FROM notifications_message),
       (SELECT count(*) FROM cases_casenotice),
       (SELECT count(*) FROM cases_casedeadline WHERE status = 'missed'),
       (SELECT coalesce(sum(hashtext(id::text || next_deadline_on::text || state)), 0)
          FROM cases_fasttrackcase WHERE next_deadline_on IS NOT NULL)
"""


def sweep(url: str, env: dict[str, str]) -> dict[str, Any]:
    seconds, rss, output = timed([str(BIN / "fasttrack"), "sweep", "-v", "2"], env)
    say(f"  sweep: {seconds:.2f} s, peak {rss:.0f} MB: {' '.join(output.split())}")
    before = sql(url, WORLD_FINGERPRINT)
    again, rss_again, output_again = timed([str(BIN / "fasttrack"), "sweep", "-v", "2"], env)
    after = sql(url, WORLD_FINGERPRINT)
    say(f"  sweep again: {again:.2f} s: {' '.join(output_again.split())}")
    return {
        "name": "sweep",
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(max(rss, rss_again), 1),
        "second_run_seconds": round(again, 2),
        "second_run_changed_nothing": before == after,
    }


def queued(url: str) -> int:
    return int(sql(url, "SELECT count(*) FROM notifications_message WHERE status <> 'sent'")[0][0])


def drain(url: str, env: dict[str, str], workers: int = 2) -> dict[str, Any]:
    """Two workers deliver every queued letter; messages per second overall (without the
    recovery and sweep ``fasttrack worker`` runs first: the sweep has its own row)."""
    waiting = queued(url)
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [str(BIN / "python"), "-m", "bench.deliver", f"bench-{n}"],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(workers)
    ]
    for process in processes:
        process.wait()
    seconds = time.monotonic() - started
    left = queued(url)
    delivered = waiting - left
    rate = delivered / seconds if seconds else 0.0
    say(f"  worker: {delivered} letters in {seconds:.2f} s = {rate:.0f}/s ({left} left)")
    return {
        "name": "worker",
        "messages_per_second": round(rate, 1),
        "messages": delivered,
        "seconds": round(seconds, 2),
        "workers": workers,
        "left": left,
    }


# --- horizontal scaling -------------------------------------------------------------------


SCALING_CHECK = """
SELECT
  (SELECT count(*) FROM cases_fasttrackcase WHERE id > %(since)s),
  (SELECT count(*) FROM audit_caseevent WHERE case_id > %(since)s AND verb = 'requested'),
  (SELECT count(*) FROM (
      SELECT case_id FROM audit_caseevent WHERE case_id > %(since)s
      GROUP BY case_id HAVING max(sequence) <> count(*)) gaps),
  (SELECT count(*) FROM (
      SELECT case_id, kind, recipient_person_id, recipient_user_id FROM notifications_message
      WHERE case_id > %(since)s
      GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) duplicates),
  (SELECT count(*) FROM notifications_message WHERE case_id > %(since)s AND attempts > 1),
  (SELECT count(*) FROM notifications_message WHERE case_id > %(since)s AND status <> 'sent'),
  (SELECT count(*) FROM (
      SELECT message_id FROM notifications_digitalpostdelivery d
      JOIN notifications_message m ON m.id = d.message_id WHERE m.case_id > %(since)s
      GROUP BY 1 HAVING count(*) > 1) twice)
"""


def scaling(url: str, env: dict[str, str], prepared: dict[str, Any]) -> dict[str, Any]:
    """Two gunicorn processes and two workers on one database, at once."""
    since = int(sql(url, "SELECT coalesce(max(id), 0) FROM cases_fasttrackcase")[0][0])
    workers = [
        subprocess.Popen(
            [str(BIN / "python"), "-m", "bench.deliver", f"scale-{n}", "--follow"],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(2)
    ]
    try:
        with gunicorn("fasttrack.wsgi:application", PORT + 3, env):
            loads = [
                subprocess.Popen(
                    [
                        "wrk",
                        f"-t{THREADS}",
                        f"-c{CONNECTIONS // 2}",
                        f"-d{SECONDS}s",
                        "--timeout",
                        "10s",
                        "-s",
                        str(LUA / "submit.lua"),
                        f"http://127.0.0.1:{port}",
                        "--",
                        *submit_args(prepared, block),
                    ],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for port, block in ((PORT, 6), (PORT + 3, 7))
            ]
            summaries = [
                json.loads(load.communicate()[0].strip().splitlines()[-1]) for load in loads
            ]
        deadline = time.monotonic() + 120
        while queued(url) and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(60)
    query = SCALING_CHECK.replace("%(since)s", str(since))
    cases, requested, gaps, duplicates, retried, unsent, twice = sql(url, query)[0]
    row = {
        "name": "two_processes",
        "rps": round(sum(s["rps"] for s in summaries), 2),
        "cases": cases,
        "lost_events": cases - requested + gaps,
        "duplicate_letters": duplicates + twice,
        "letters_retried": retried,
        "letters_undelivered": unsent,
        "unexpected": sum(s["unexpected"] + s["socket_errors"] for s in summaries),
    }
    say(
        f"  two servers and two workers: {row['cases']} cases at {row['rps']} req/s, "
        f"{row['lost_events']} lost events, {row['duplicate_letters']} duplicate letters, "
        f"{row['letters_undelivered']} undelivered"
    )
    return row


# --- the report ----------------------------------------------------------------------


COLUMNS = ("name", "rps", "p50_ms", "p95_ms", "p99_ms", "queries", "ratio")


def machine() -> dict[str, Any]:
    load = os.getloadavg()
    memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    postgres = sql(database_url(), "SHOW server_version")[0][0]
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(int(memory) / 1024 / 1024, 1),
        "load_average_at_end": [round(x, 2) for x in load],
        "python": platform.python_version(),
        "postgresql": postgres,
        "cases": CASES,
        "connections": CONNECTIONS,
        "gunicorn_workers": GUNICORN_WORKERS,
        "seconds_per_run": SECONDS,
    }


def table(rows: list[dict[str, Any]]) -> str:
    def cell(value: Any) -> str:
        return "" if value is None else str(value)

    lines = [
        "| " + " | ".join(COLUMNS) + " | other |",
        "|" + "---|" * (len(COLUMNS) + 1),
    ]
    for row in rows:
        other = ", ".join(
            f"{key} {value}"
            for key, value in row.items()
            if key not in COLUMNS and key not in ("requests",)
        )
        lines.append("| " + " | ".join(cell(row.get(c)) for c in COLUMNS) + f" | {other} |")
    return "\n".join(lines)


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench does it).")
    # Stopped from outside: leave through the context managers, which stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    OUT.mkdir(parents=True, exist_ok=True)
    url = database_url()
    keys = OUT / "keys.json"
    total = time.monotonic()
    if REUSE:
        # The world of the last run, with its keys (the CPR numbers are encrypted under them).
        env = {**bench_env(url), **json.loads(keys.read_text())}
        say(f"Database {urllib.parse.urlparse(url).path.lstrip('/')}: reused, migrate")
        # A new index on a million cases takes longer than a request may (docs/operations.md).
        run(
            [str(BIN / "fasttrack"), "migrate", "--no-input", "-v", "0"],
            {**env, "DATABASE_STATEMENT_TIMEOUT": "3600"},
        )
    else:
        env = bench_env(url)
        keys.write_text(json.dumps({name: env[name] for name in KEY_NAMES}))
        keys.chmod(0o600)
        say(f"Database {urllib.parse.urlparse(url).path.lstrip('/')}: recreate and migrate")
        recreate_database(url)
        run([str(BIN / "fasttrack"), "migrate", "--no-input", "-v", "0"], env)
        sql(
            url,
            "CREATE TABLE bench_ping (id bigserial PRIMARY KEY, at timestamptz NOT NULL, "
            "note varchar(100) NOT NULL)",
        )
        say(f"Generating {CASES} cases")
        run(
            [
                str(BIN / "python"),
                "-m",
                "bench.generate",
                "--cases",
                str(CASES),
                "--fresh",
                str(FRESH),
            ],
            env,
        )
    run(
        [
            str(BIN / "fasttrack"),
            "collectstatic",
            "--no-input",
            "-v",
            "0",
            "--ignore",
            "scss",
            "--ignore",
            "split",
        ],
        env,
    )
    say("Counting queries and preparing credentials")
    prepared = json.loads(
        run(
            [str(BIN / "python"), "-m", "bench.prepare", "--fresh", str(FRESH)],
            env,
            capture_output=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    queries = prepared["queries"]
    say(f"  queries per request: {queries}")
    rows: list[dict[str, Any]] = []
    baseline_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.baseline_settings"}
    say(f"Load: {CONNECTIONS} connections, warm-up {WARMUP} s, 3 runs of {SECONDS} s, median")
    if "load" in STEPS:
        with gunicorn("bench.baseline:django_app", PORT + 1, baseline_env):
            rows.append(
                {**measure("baseline_django_insert", PORT + 1, "ping.lua", []), "queries": 1}
            )
        with gunicorn("bench.baseline:psycopg_app", PORT + 2, env):
            rows.append(
                {**measure("baseline_psycopg_insert", PORT + 2, "ping.lua", []), "queries": 1}
            )
    with gunicorn("fasttrack.wsgi:application", PORT, env):
        if "load" in STEPS:
            _measure_fasttrack(rows, prepared, queries)
        if "sweep" in STEPS:
            say("Deadline sweep")
            rows.append(sweep(url, env))
        if "worker" in STEPS:
            say("Worker")
            if LETTERS:
                run([str(BIN / "python"), "-m", "bench.queue_letters", str(LETTERS)], env)
            rows.append(drain(url, env))
        if "scaling" in STEPS:
            say("Two gunicorn processes and two workers on one database")
            rows.append(scaling(url, env, prepared))
    if "statistics" in STEPS:
        say("Statistics dashboards (this month, quarter and year; the busiest municipality)")
        rows.extend(dashboards(env))
    baseline = rows[0]["rps"] if rows and rows[0]["name"] == "baseline_django_insert" else None
    for row in rows:
        if row.get("rps") is not None and baseline:
            row["ratio"] = round(row["rps"] / baseline, 3)
        for column in COLUMNS:
            row.setdefault(column, None)
    elapsed = time.monotonic() - total
    result = {"machine": machine(), "seconds": round(elapsed, 1), "rows": rows}
    name = "results.json" if STEPS == ALL_STEPS else f"results-{'-'.join(sorted(STEPS))}.json"
    (OUT / name).write_text(json.dumps(rows, indent=2) + "\n")
    (OUT / f"run-{name}").write_text(json.dumps(result, indent=2) + "\n")
    markdown = table(rows)
    (OUT / name.replace(".json", ".md")).write_text(markdown + "\n")
    print()
    print(markdown)
    print()
    say(f"make bench took {elapsed / 60:.1f} minutes; var/bench/{name} written.")


def _measure_fasttrack(
    rows: list[dict[str, Any]], prepared: dict[str, Any], queries: dict[str, int]
) -> None:
    rows.append(
        {
            **measure("submit", PORT, "submit.lua", lambda number: submit_args(prepared, number)),
            "queries": queries["submit"],
        }
    )
    caseworker = ["Authorization", f"Bearer {prepared['caseworker_token']}", "/api/v1/cases"]
    rows.append(
        {**measure("case_list", PORT, "get.lua", caseworker), "queries": queries["case_list"]}
    )
    cookie = ["Cookie", prepared["cookie"]]
    rows.append(
        {
            **measure("worklist", PORT, "get.lua", [*cookie, "/jobcenter/"]),
            "queries": queries["worklist"],
        }
    )
    rows.append(
        {
            **measure("case_page", PORT, "get.lua", [*cookie, ",".join(prepared["case_paths"])]),
            "queries": queries["case_page"],
        }
    )


if __name__ == "__main__":
    main()
