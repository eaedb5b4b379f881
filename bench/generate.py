"""Load a national-scale world into PostgreSQL: ``python -m bench.generate --cases 1000000``.

Set-based: persons go in with one COPY (their CPR numbers must be encrypted in
Python), everything else with ``INSERT … SELECT`` over ``generate_series`` in
the database, never the ORM row by row. The world:

- the demo world (its personas log in and request through the API), the 98
  municipalities and 2,000 employers;
- ``--cases`` Fast track cases over the last ``cases / 1,100`` days (about
  400,000 a year), spread over the municipalities with København the largest;
  each with its absence, employee, employment, the deadlines the rules give it
  (four or five), a hash-chained history (2 to 4 events, verifiable), two
  letters that were sent, and the access log of the last six months;
- states as the clock would leave them: the newest awaiting consent, the last
  ten weeks active (a few declined or withdrawn), the older ones closed; an
  employee's own request never awaits consent;
- the deadlines exactly as ``cases.clock.recompute_deadlines`` derives them:
  their dates from ``fasttrack.lib.rules.schedule`` itself, their status from
  the records the clock reads, which are generated with them (the consent
  answered on the request day, the first conversation and the retention
  meeting held a few days before they were due except in one and two cases in
  ten, the employer's own conversation recorded in nine in ten), as
  yesterday's sweep left them:
  what passed unreached is missed, what fell due yesterday still pending, so
  that today's sweep has work and a second sweep none;
- the demo caseworker (sagsbehandler, København) holds 50 open cases, one
  caseworker per municipality the rest of the assigned ones; the others wait
  in the queue;
- ``--fresh`` employees of Nordisk Fabrik (the demo HR's employer) without a
  case, for the submit benchmark to request for.

Run it on an empty, migrated database (``bench.run`` does both).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import threading
import time
from datetime import date
from typing import Any

DANISH_MUNICIPALITY_CODES = [
    "101",
    "147",
    "151",
    "153",
    "155",
    "157",
    "159",
    "161",
    "163",
    "165",
    "167",
    "169",
    "173",
    "175",
    "183",
    "185",
    "187",
    "190",
    "201",
    "210",
    "217",
    "219",
    "223",
    "230",
    "240",
    "250",
    "253",
    "259",
    "260",
    "265",
    "269",
    "270",
    "306",
    "316",
    "320",
    "326",
    "329",
    "330",
    "336",
    "340",
    "350",
    "360",
    "370",
    "376",
    "390",
    "400",
    "410",
    "420",
    "430",
    "440",
    "450",
    "461",
    "479",
    "480",
    "482",
    "492",
    "510",
    "530",
    "540",
    "550",
    "561",
    "563",
    "573",
    "575",
    "580",
    "607",
    "615",
    "621",
    "630",
    "657",
    "661",
    "665",
    "671",
    "706",
    "707",
    "710",
    "727",
    "730",
    "740",
    "741",
    "746",
    "751",
    "756",
    "760",
    "766",
    "773",
    "779",
    "787",
    "791",
    "810",
    "813",
    "820",
    "825",
    "840",
    "846",
    "849",
    "851",
    "860",
]
assert len(DANISH_MUNICIPALITY_CODES) == 98

EMPLOYERS = 2000
CASES_PER_DAY = 1100
# Case ids, person ids and absence ids of the generated world start here, far
# above the demo world's own rows.
ID_BASE = 1_000_000
BENCH_EMPLOYER = "29887659"  # Nordisk Fabrik A/S, the demo HR's employer
# The submit benchmark's employees: CPR numbers 0101xx-nnnn … from this offset.
FRESH_ID_BASE = 5_000_000
GENESIS_HASH = "0" * 64


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fasttrack.settings")
    import django

    django.setup()


def valid_cvr_numbers(count: int, start: int = 20_000_000) -> list[str]:
    """``count`` CVR numbers that pass modulus 11 (R-30)."""
    weights = (2, 7, 6, 5, 4, 3, 2, 1)
    found: list[str] = []
    number = start
    while len(found) < count:
        digits = str(number)
        if sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0:
            found.append(digits)
        number += 1
    return found


def cpr_of(index: int) -> str:
    """A valid CPR number for generated person ``index`` (date of birth 1960–1999)."""
    day = index % 28 + 1
    month = index // 28 % 12 + 1
    year = 60 + index // 336 % 40
    serial = index // 13440 % 10000
    return f"{day:02d}{month:02d}{year:02d}{serial:04d}"


def fresh_cpr(index: int) -> str:
    """The submit benchmark's employee ``index``: born 2000–2005, so never a case's employee."""
    day = index % 28 + 1
    month = index // 28 % 12 + 1
    year = index // 336 % 6
    serial = index // 2016 % 10000
    return f"{day:02d}{month:02d}{year:02d}{serial:04d}"


def _base_world(fresh: int) -> dict[str, Any]:
    from fasttrack.people.demo import build_demo_world
    from fasttrack.people.models import Employer, Municipality

    world = build_demo_world()
    existing = set(Municipality.objects.values_list("code", flat=True))
    Municipality.objects.bulk_create(
        Municipality(
            code=code,
            name=f"Kommune {code}",
            jobcentre_name=f"Jobcenter {code}",
            jobcentre_address=f"Rådhuspladsen 1, {code}0 By",
            digital_post_sender_cvr="",
            digital_post_sender_label="",
        )
        for code in DANISH_MUNICIPALITY_CODES
        if code not in existing
    )
    have = set(Employer.objects.values_list("cvr", flat=True))
    Employer.objects.bulk_create(
        Employer(cvr=cvr, name=f"Virksomhed {cvr} ApS", postal_code="8000", city="Aarhus C")
        for cvr in valid_cvr_numbers(EMPLOYERS)
        if cvr not in have
    )
    return {"world": world}


def _caseworkers() -> None:
    """One caseworker per municipality beside the demo ones (no password: never logs in)."""
    from django.contrib.auth import get_user_model

    from fasttrack.people.models import Membership, Municipality, Role

    user_model = get_user_model()
    wanted = [f"bench-sagsbehandler-{m.code}" for m in Municipality.objects.order_by("code")]
    have = set(user_model.objects.filter(username__in=wanted).values_list("username", flat=True))
    users = user_model.objects.bulk_create(
        user_model(username=name, first_name="Sags", last_name=name.rsplit("-", 1)[1])
        for name in wanted
        if name not in have
    )
    by_code = {m.code: m for m in Municipality.objects.all()}
    Membership.objects.bulk_create(
        Membership(
            user=user, role=Role.CASEWORKER, municipality=by_code[user.username.rsplit("-", 1)[1]]
        )
        for user in users
    )


def _copy_persons(cursor: Any, cases: int, fresh: int, municipalities: list[int]) -> None:
    from django.conf import settings

    from fasttrack.people.crypto import cpr_lookup_hash, encrypt_cpr

    key = settings.CPR_HASH_KEY.encode()
    # The keyed hash inlined for speed: it must stay the one the application looks up by.
    assert cpr_lookup_hash("0101010000") == hmac.new(key, b"0101010000", hashlib.sha256).hexdigest()
    columns = (
        "id, cpr_ciphertext, cpr_hash, name, email, phone, address, preferred_language, "
        "clinic_id, municipality_id, identity_confirmed"
    )
    with cursor.copy(f"COPY people_person ({columns}) FROM STDIN") as copy:
        for i in range(1, cases + 1):
            number = cpr_of(i)
            copy.write_row(
                (
                    ID_BASE + i,
                    encrypt_cpr(number),
                    hmac.new(key, number.encode(), hashlib.sha256).hexdigest(),
                    f"Borger {i}",
                    "",
                    "",
                    "",
                    "da",
                    None,
                    municipalities[_municipality_index(i, len(municipalities))],
                    True,
                )
            )
        for j in range(fresh):
            number = fresh_cpr(j)
            copy.write_row(
                (
                    FRESH_ID_BASE + j,
                    encrypt_cpr(number),
                    hmac.new(key, number.encode(), hashlib.sha256).hexdigest(),
                    f"Ny medarbejder {j}",
                    "",
                    "",
                    "",
                    "da",
                    None,
                    municipalities[0],
                    True,
                )
            )


def _municipality_index(i: int, count: int) -> int:
    # København (index 0) gets about a tenth of the cases, the rest spread evenly;
    # the same formula runs in SQL below (``MUNICIPALITY_SQL``).
    return 0 if i % 10 == 0 else 1 + (i * 7919) % (count - 1)


MUNICIPALITY_SQL = "CASE WHEN i %% 10 = 0 THEN 0 ELSE 1 + (i::bigint * 7919) %% ({count} - 1) END"

# Canonical JSON of an event as ``fasttrack.audit.chain.canonical_json`` makes it
# for an event by the system with empty old and new values: keys sorted, no spaces.
EVENT_JSON = (
    '\'{{"actor_id":null,"actor_organisation":"","actor_role":"","at":"\' || '
    "{at} || "
    '\'","case_id":\' || {case_id} || \',"new":{{}},"note":"","old":{{}},"prev_hash":"\' || '
    '{prev} || \'","sequence":{sequence},"verb":"\' || {verb} || \'","visible_to_employer":true}}\''
)


def _event_hash_sql(at: str, case_id: str, prev: str, sequence: int, verb: str) -> str:
    text = EVENT_JSON.format(at=at, case_id=case_id, prev=prev, sequence=sequence, verb=verb)
    return f"encode(sha256(convert_to({text}, 'UTF8')), 'hex')"


def generate(*, cases: int, fresh: int, today: date, days: int | None = None) -> dict[str, float]:
    """Load the world; the seconds each step took. ``days``: the span of the
    requests, by default as many days as 1,100 requests a day take."""
    _django()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from fasttrack.cases.clock import INFORMATIONAL_KEYS
    from fasttrack.lib.rules import rule_set_for
    from fasttrack.people.models import Employer, Membership, Municipality, Role

    timings: dict[str, float] = {}
    started = time.monotonic()

    def lap(name: str) -> None:
        timings[name] = round(time.monotonic() - started - sum(timings.values()), 2)

    with transaction.atomic():
        _base_world(fresh)
        _caseworkers()
    lap("base_world")
    municipalities = list(Municipality.objects.order_by("code").values_list("id", flat=True))
    employers = list(Employer.objects.order_by("cvr").values_list("id", flat=True))
    nordisk = Employer.objects.get(cvr=BENCH_EMPLOYER).pk
    demo_caseworker = Membership.objects.get(user__username="sagsbehandler").user_id
    demo_hr = get_user_model().objects.get(username="hr").pk
    caseworker_by_municipality = dict(
        Membership.objects.filter(
            role=Role.CASEWORKER, user__username__startswith="bench-sagsbehandler-"
        ).values_list("municipality_id", "user_id")
    )
    copenhagen = Municipality.objects.get(code="101").pk
    rule_set = rule_set_for(today)
    span = days or max(1, cases // CASES_PER_DAY)
    # Python's work beside the database's: the clock's schedules while it makes
    # the facts, then the persons (encrypting their CPR numbers) on a connection
    # of their own while it makes the rest. One after the other, as they would
    # only share one core (the interpreter's lock).
    schedules = _Schedules(today, span, rule_set.version)
    schedules.start()
    persons = _Persons(cases, fresh, municipalities)
    (informational,) = INFORMATIONAL_KEYS
    params = {
        "n": cases,
        "span": span,
        "today": today,
        "base": ID_BASE,
        "nordisk": nordisk,
        "demo_cw": demo_caseworker,
        "hr": demo_hr,
        "cph": copenhagen,
        "rule_set": rule_set.version,
        "question_set": rule_set.question_set,
        "informational": str(informational),
        "fresh": fresh,
        "fresh_base": FRESH_ID_BASE,
    }
    # First the facts, once, into staging tables that are committed so that a
    # second connection can read them. They are ordinary unlogged tables, not
    # temporary ones: only those can be read by other sessions and by parallel
    # workers, and the hashes are CPU work.
    with transaction.atomic(), connection.cursor() as cursor:
        _bulk_session(cursor)
        # Hashing and joining are CPU work: let the planner split them between
        # the cores even where it reckons the rows cheap to pass on.
        cursor.execute("SET LOCAL parallel_setup_cost = 0")
        cursor.execute("SET LOCAL parallel_tuple_cost = 0")
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(STAGING_TABLES)}")
        cursor.execute("CREATE UNLOGGED TABLE bench_m (idx int PRIMARY KEY, id bigint, cw int)")
        cursor.executemany(
            "INSERT INTO bench_m VALUES (%s, %s, %s)",
            [
                (index, pk, caseworker_by_municipality.get(pk))
                for index, pk in enumerate(municipalities)
            ],
        )
        cursor.execute("CREATE UNLOGGED TABLE bench_e (idx int PRIMARY KEY, id bigint)")
        cursor.executemany("INSERT INTO bench_e VALUES (%s, %s)", list(enumerate(employers)))
        _case_facts(cursor, params, len(municipalities), len(employers), schedules, persons)
        _history(cursor)
    lap("facts_and_hashes")
    try:
        # Then the tables from them on two connections at once, each in its own
        # transaction: the cases and their deadlines here, the records the clock
        # reads, the history, letters and access log beside them.
        beside = _Beside(params)
        beside.start()
        with transaction.atomic(), connection.cursor() as cursor:
            _bulk_session(cursor)
            mine = [t for t in LOADED_TABLES if t not in (PERSONS, *_Beside.TABLES)]
            indexes = _drop_secondary_indexes(cursor, mine)
            _insert_world(cursor, params)
            for table in mine:
                _restart_sequence(cursor, table)
        lap("cases")
        beside.join()
        if beside.error is not None:
            raise beside.error
        indexes += beside.indexes
        lap("history_letters_and_log_wait")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {', '.join(STAGING_TABLES)}")
    # The indexes after the commit, on two connections at once: each build is one
    # process's sort, so two keep both cores busy; the largest first, so that
    # neither connection is left with a big one at the end.
    sizes = dict(
        _rows(
            "SELECT relname, pg_relation_size(oid) FROM pg_class WHERE relname = ANY(%s)",
            [LOADED_TABLES],
        )
    )
    indexes.sort(key=lambda definition: -sizes.get(_table_of(definition), 0))
    _on_two_connections(indexes)
    lap("indexes")
    persons.join()
    if persons.error is not None:
        raise persons.error
    lap("persons_wait")
    # The cases and deadlines are vacuumed too, as autovacuum would soon after a
    # load: the visibility map lets the statistics' counts read their indexes
    # alone (index-only scans), as they do in production. The largest first.
    _on_two_connections(
        [
            f"{'VACUUM ' if table in VACUUMED_TABLES else ''}ANALYZE {table}"
            for table in sorted(LOADED_TABLES, key=lambda table: -sizes.get(table, 0))
        ]
    )
    lap("analyze")
    timings["total"] = round(time.monotonic() - started, 2)
    timings["persons_beside"] = persons.seconds
    timings["history_letters_and_log_beside"] = beside.seconds
    return timings


def _bulk_session(cursor: Any) -> None:
    # Bulk loading: no foreign-key or history triggers per row (the rows
    # are made consistent here), and no waiting for the WAL flush.
    cursor.execute("SET LOCAL session_replication_role = replica")
    cursor.execute("SET LOCAL synchronous_commit = off")
    # The load's statements run for minutes, not the production limit's seconds.
    cursor.execute("SET LOCAL statement_timeout = 0")
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")


def _rows(statement: str, params: list[Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _table_of(definition: str) -> str:
    """``public.cases_casedeadline`` of ``CREATE INDEX … ON public.cases_casedeadline USING …``."""
    return definition.split(" ON ", 1)[1].split()[0].rsplit(".", 1)[-1]


def _on_two_connections(statements: list[str]) -> None:
    """Run ``statements`` (in autocommit) on this thread's connection and a second one,
    each taking the next from the list when it is done."""
    from django.db import connection

    pending = list(reversed(statements))
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work(close: bool) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
                cursor.execute("SET maintenance_work_mem = '512MB'")
                while True:
                    with lock:
                        if not pending or errors:
                            return
                        statement = pending.pop()
                    cursor.execute(statement)
        except BaseException as error:
            errors.append(error)
        finally:
            if close:
                connection.close()

    helper = threading.Thread(target=work, args=(True,), name="bench-second-connection")
    helper.start()
    work(False)
    helper.join()
    with connection.cursor() as cursor:
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("RESET statement_timeout")
    if errors:
        raise errors[0]


def _restart_sequence(cursor: Any, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"(SELECT coalesce(max(id), 1) FROM {table}))"
    )


class _Connection(threading.Thread):
    """Work in a transaction of its own on a connection of its own (Django keeps one
    per thread); its time, and the error the main thread re-raises."""

    def __init__(self, name: str) -> None:
        super().__init__(name=name)
        self.seconds = 0.0
        self.error: BaseException | None = None

    def work(self, cursor: Any) -> None:
        raise NotImplementedError

    def run(self) -> None:
        from django.db import connection, transaction

        started = time.monotonic()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                _bulk_session(cursor)
                self.work(cursor)
        except BaseException as error:  # re-raised by the main thread
            self.error = error
        finally:
            connection.close()
        self.seconds = round(time.monotonic() - started, 2)


class _Beside(_Connection):
    """The consents, meetings and employer conversations, the history, the letters
    and the access log from the committed staging tables, on a second connection."""

    TABLES = (
        "cases_consent",
        "cases_employerconversation",
        "meetings_meeting",
        "audit_caseevent",
        "notifications_message",
        "audit_accesslogentry",
    )

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__("bench-beside")
        self.params = params
        self.indexes: list[str] = []

    def work(self, cursor: Any) -> None:
        self.indexes = _drop_secondary_indexes(cursor, list(self.TABLES))
        _clock_records(cursor, self.params)
        _insert_history(cursor)
        _letters_and_log(cursor, self.params)
        for table in self.TABLES:
            _restart_sequence(cursor, table)


class _Persons(_Connection):
    """The persons' COPY and their indexes."""

    def __init__(self, cases: int, fresh: int, municipalities: list[int]) -> None:
        super().__init__("bench-persons")
        self.arguments = (cases, fresh, municipalities)

    def work(self, cursor: Any) -> None:
        indexes = _drop_secondary_indexes(cursor, [PERSONS])
        _copy_persons(cursor, *self.arguments)
        for definition in indexes:
            cursor.execute(definition)
        _restart_sequence(cursor, PERSONS)


def _case_facts(
    cursor: Any,
    p: dict[str, Any],
    municipalities: int,
    employers: int,
    schedules: _Schedules,
    persons: _Persons,
) -> None:
    """One row per case with every fact the tables are made from."""
    municipality = MUNICIPALITY_SQL.format(count=municipalities)
    cursor.execute(
        f"""
        CREATE UNLOGGED TABLE bench_f AS
        SELECT s.*,
               CASE WHEN state = 'closed'
                    THEN least(requested_on + 60 + i %% 60, %(today)s::date - 1) END AS closed_on
        FROM (
        SELECT i, %(base)s::bigint + i AS id, age, requested_on,
               requested_on - (3 + i %% 20) AS d0,
               CASE
                 WHEN age <= 2 AND i %% 4 <> 0 AND i %% 5 <> 0 THEN 'awaiting_consent'
                 WHEN age <= 70 AND i %% 20 = 1 THEN 'declined'
                 WHEN age <= 70 AND i %% 20 = 2 THEN 'withdrawn'
                 WHEN age <= 70 THEN 'active'
                 WHEN i %% 13 = 0 AND i %% 5 <> 0 THEN 'declined'
                 WHEN i %% 14 = 0 THEN 'withdrawn'
                 ELSE 'closed'
               END AS state,
               -- An employee's own request is its own consent (R-14): no letter,
               -- never awaiting consent, never declined.
               CASE WHEN i %% 5 = 0 THEN 'employee' ELSE 'employer' END AS requested_by,
               {municipality} AS m_idx,
               CASE WHEN i %% 100 = 0 THEN NULL ELSE (i / 3) %% %(employers)s END AS e_idx
        FROM (
          SELECT i, ((i - 1) * %(span)s / %(n)s) AS age,
                 %(today)s::date - ((i - 1) * %(span)s / %(n)s)::int AS requested_on
          FROM generate_series(1, %(n)s) AS i
        ) s
        ) s
        """,
        {**p, "employers": employers},
    )
    cursor.execute("ALTER TABLE bench_f ADD PRIMARY KEY (i)")
    cursor.execute("ANALYZE bench_f")
    schedules.load(cursor)
    persons.start()
    # The deadlines exactly as ``clock.recompute_deadlines`` derives them from the
    # case's records, and as yesterday's sweep left them: what was reached is met
    # (or missed when late), what passed unreached before yesterday is missed,
    # what fell due yesterday still pending for today's sweep to mark. A closed or
    # withdrawn case's unreached deadlines are retired, unless they were missed
    # while it was open.
    cursor.execute(
        """
        CREATE UNLOGGED TABLE bench_d AS
        SELECT f.i, f.id, f.state, f.m_idx, s.ord, s.key, s.due, s.basis, s.rule_id, s.legal,
               s.counts_from, r.reached,
          CASE
            WHEN r.reached IS NOT NULL AND (r.reached <= s.due OR s.key = %(informational)s)
              THEN 'met'
            WHEN r.reached IS NOT NULL THEN 'missed'
            WHEN f.state = 'closed' AND s.key <> %(informational)s AND s.due < f.closed_on
              THEN 'missed'
            WHEN f.state IN ('closed', 'withdrawn') THEN 'not_applicable'
            WHEN s.key = %(informational)s THEN 'pending'
            WHEN s.due < %(today)s::date - 1 THEN 'missed'
            ELSE 'pending'
          END AS status
        FROM bench_f f
        JOIN bench_s s ON s.requested_on = f.requested_on AND s.d0 = f.d0
          AND s.requested_by = f.requested_by AND s.declined = (f.state = 'declined')
        CROSS JOIN LATERAL (SELECT CASE
          WHEN s.key = 'request_window_closes' THEN f.requested_on
          -- The consent answered (or declined) the day it was asked for.
          WHEN s.key = 'employee_consent' AND f.state IN ('active', 'closed', 'declined')
            THEN f.requested_on
          -- The meetings and the employer's conversation, held a few days before
          -- they were due, one in ten (two for the retention meeting) not held.
          WHEN f.state NOT IN ('active', 'closed', 'declined') THEN NULL
          WHEN s.key = 'first_followup_conversation' AND f.i %% 10 <> 7
               AND s.due - f.i %% 4 < %(today)s::date THEN s.due - f.i %% 4
          WHEN s.key = 'retention_meeting' AND f.i %% 10 NOT IN (7, 8)
               AND s.due - f.i %% 3 < %(today)s::date THEN s.due - f.i %% 3
          WHEN s.key = %(informational)s AND f.i %% 10 <> 3
               AND s.due - 8 + f.i %% 7 < %(today)s::date THEN s.due - 8 + f.i %% 7
        END AS reached) r
        """,
        p,
    )
    # The case's next deadline as ``clock._set_next_deadline`` picks it: by day,
    # then by row id, which follows the order of the keys (``ord``).
    cursor.execute(
        """
        CREATE TEMP TABLE bench_next AS
        SELECT DISTINCT ON (i) i, due, key FROM bench_d
        WHERE status = 'pending' AND key <> %(informational)s
        ORDER BY i, due, ord
        """,
        p,
    )
    cursor.execute("ALTER TABLE bench_next ADD PRIMARY KEY (i)")


class _Schedules(threading.Thread):
    """The rules' deadlines for every combination of the facts the cases differ in
    (request day, first absence day, requester, track), computed by
    ``fasttrack.lib.rules.schedule`` itself (banking days, month ends, the legal
    bases), so that the world agrees with the clock; as the text of a COPY into
    ``bench_s``. Python's work, done while the database makes the facts."""

    def __init__(self, today: date, span: int, rule_set_version: str) -> None:
        super().__init__(name="bench-schedules")
        self.arguments = (today, span, rule_set_version)
        self.text = ""
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.text = self._copy_text(*self.arguments)
        except BaseException as error:  # re-raised by the main thread
            self.error = error

    @staticmethod
    def _copy_text(today: date, span: int, rule_set_version: str) -> str:
        from datetime import timedelta

        from fasttrack.lib.rules import CaseFacts, DeadlineKey, rule_set_by_version, schedule

        rule_set = rule_set_by_version(rule_set_version)
        order = {key: n for n, key in enumerate(DeadlineKey)}
        lines: list[str] = []
        for age in range(span + 1):
            requested_on = today - timedelta(days=age)
            for offset in range(3, 23):
                d0 = requested_on - timedelta(days=offset)
                for requested_by, declined in (
                    ("employer", False),
                    ("employer", True),
                    ("employee", False),
                ):
                    facts = CaseFacts(
                        first_absence_day=d0,
                        request_date=requested_on,
                        requested_by=requested_by,  # type: ignore[arg-type]
                        has_employer=True,
                        consent_letter_sent_on=requested_on if requested_by == "employer" else None,
                        declined=declined,
                    )
                    for key, deadline in schedule(rule_set, facts).items():
                        assert deadline.due is not None and "\\" not in deadline.basis
                        lines.append(
                            f"{requested_on}\t{d0}\t{requested_by}\t{'t' if declined else 'f'}\t"
                            f"{order[key]}\t{key}\t{deadline.due}\t{deadline.basis}\t"
                            f"{deadline.rule_id}\t{'t' if deadline.legal else 'f'}\t"
                            f"{deadline.counts_from}\n"
                        )
        return "".join(lines)

    def load(self, cursor: Any) -> None:
        self.join()
        if self.error is not None:
            raise self.error
        cursor.execute(
            """
            CREATE TEMP TABLE bench_s (requested_on date, d0 date, requested_by text,
                declined bool, ord int, key text, due date, basis text, rule_id text, legal bool,
                counts_from date)
            """
        )
        with cursor.copy("COPY bench_s FROM STDIN") as copy:
            copy.write(self.text)
        cursor.execute("ANALYZE bench_s")


def _insert_world(cursor: Any, p: dict[str, Any]) -> None:
    cursor.execute(
        """
        INSERT INTO people_employment (id, job_title, started_on, employer_id, person_id)
        SELECT f.id, 'Medarbejder', f.d0 - 400, coalesce(e.id, %(nordisk)s), f.id
        FROM bench_f f LEFT JOIN bench_e e ON e.idx = f.e_idx
        """,
        p,
    )
    cursor.execute(
        """
        INSERT INTO people_employment (job_title, started_on, employer_id, person_id)
        SELECT 'Ny medarbejder', %(today)s::date - 400, %(nordisk)s, %(fresh_base)s::bigint + j
        FROM generate_series(0, %(fresh)s - 1) AS j
        """,
        p,
    )
    cursor.execute(
        """
        INSERT INTO cases_absence (id, first_absence_day, expects_over_8_weeks,
            partial_leave_hours_per_week, leaves_within_8_weeks, created_at, employer_id,
            person_id)
        SELECT f.id, f.d0, true, NULL, false, f.requested_on + time '09:00', coalesce(e.id,
               %(nordisk)s), f.id
        FROM bench_f f LEFT JOIN bench_e e ON e.idx = f.e_idx
        """,
        p,
    )
    # Open cases of København: the demo caseworker holds 50, the rest are the
    # municipality caseworker's (two in three) or in the queue.
    cursor.execute(
        """
        INSERT INTO cases_fasttrackcase (id, requested_by, request_channel, requested_on,
            rule_set_version, question_set_version, state, consent_letter_sent_on, outcome,
            closed_on, next_deadline_on, next_deadline_key, created_at, updated_at, absence_id,
            caseworker_id, municipality_id, nearest_manager_id, requested_by_user_id,
            history_head, employee_name_given, identity_confirmed)
        SELECT f.id, f.requested_by, CASE WHEN f.i %% 2 = 0 THEN 'api' ELSE 'web' END,
               f.requested_on, %(rule_set)s, %(question_set)s, f.state,
               CASE WHEN f.requested_by = 'employer' THEN f.requested_on END,
               CASE WHEN f.state = 'closed' THEN
                    (ARRAY['back_full_time', 'back_part_time', 'other_job', 'other'])[1 + f.i %% 4]
                    WHEN f.state = 'declined' THEN 'normal_track' ELSE '' END,
               f.closed_on,
               n.due, coalesce(n.key, ''),
               f.requested_on + time '09:00', f.requested_on + time '09:00', f.id,
               CASE
                 WHEN f.state NOT IN ('active', 'awaiting_consent') THEN m.cw
                 WHEN m.id = %(cph)s AND f.state = 'active'
                      AND row_number() OVER (PARTITION BY m.id = %(cph)s AND f.state = 'active'
                                             ORDER BY f.i) <= 50 THEN %(demo_cw)s
                 WHEN f.i %% 3 = 0 THEN NULL
                 ELSE m.cw
               END,
               m.id, NULL, NULL, h.head, '', true
        FROM bench_f f JOIN bench_m m ON m.idx = f.m_idx LEFT JOIN bench_next n ON n.i = f.i
        JOIN bench_h h ON h.i = f.i
        """,
        p,
    )
    cursor.execute(
        """
        INSERT INTO cases_casedeadline (id, key, due_on, basis, rule_id, legal, counts_from,
            status, met_on, case_id, municipality_id)
        SELECT d.id * 8 + d.ord, d.key, d.due, d.basis, d.rule_id, d.legal, d.counts_from,
               d.status, d.reached, d.id, m.id
        FROM bench_d d JOIN bench_m m ON m.idx = d.m_idx
        """,
        p,
    )
    # The employer's answers on every open case (the case page shows them).
    cursor.execute(
        """
        INSERT INTO cases_answers (party, question_set_version, questions, affected_functions,
            affected_duration, adjustments_tried, given_at, given_by_id, case_id)
        SELECT 'employer', %(question_set)s, '{}'::jsonb, 'Løft og lange vagter',
               'Siden første fraværsdag', 'Kortere vagter i to uger', f.requested_on + time '09:00',
               NULL, f.id
        FROM bench_f f WHERE f.state IN ('active', 'awaiting_consent')
        """,
        p,
    )


def _clock_records(cursor: Any, p: dict[str, Any]) -> None:
    """The records the clock reads the reached milestones from."""
    # The consent (accepted, or declined onto the normal track), the meetings held and the
    # employer's own conversation.
    cursor.execute(
        """
        INSERT INTO cases_consent (case_id, accepted, answered_on, answered_at, late, channel,
            given_by_id)
        SELECT id, state <> 'declined', reached, reached + time '09:03', false, 'web', NULL
        FROM bench_d WHERE key = 'employee_consent' AND reached IS NOT NULL
        """
    )
    cursor.execute(
        """
        INSERT INTO meetings_meeting (case_id, kind, starts_at, location, video_url, state,
            held_on, minutes, sequence, cancelled_at, booked_by_id, created_at)
        SELECT d.id, CASE d.key WHEN 'first_followup_conversation' THEN 'first_conversation'
                     ELSE 'retention_meeting' END,
               d.reached + time '10:00', 'Jobcentret', '', 'held', d.reached, '', 0, NULL,
               m.cw, d.reached - 7 + time '10:00'
        FROM bench_d d JOIN bench_m m ON m.idx = d.m_idx
        WHERE d.key IN ('first_followup_conversation', 'retention_meeting')
          AND d.reached IS NOT NULL
        ORDER BY d.id, d.ord
        """
    )
    cursor.execute(
        """
        INSERT INTO cases_employerconversation (case_id, held_on, note, recorded_by_id,
            recorded_at)
        SELECT id, reached, '', %(hr)s, reached + time '12:00'
        FROM bench_d WHERE key = %(informational)s AND reached IS NOT NULL
        """,
        p,
    )


def _history(cursor: Any) -> None:
    """The hashes of 2 to 4 events a case, chained exactly as ``audit.history`` chains
    them, all four of a case in one pass; ``bench_h.head`` is its ``history_head``."""
    # The time as ``canonical_json`` writes it (UTC, microseconds), put together
    # from the day's ISO text: far cheaper than to_char on four million events.
    at = "v.day || 'T09:0{minutes}:00.000000Z'"
    genesis = f"'{GENESIS_HASH}'"
    h1 = _event_hash_sql(at.format(minutes=1), "f.id", genesis, 1, "'requested'")
    h2 = _event_hash_sql(at.format(minutes=2), "f.id", "h1.h", 2, "'answers_given'")
    h3 = _event_hash_sql(at.format(minutes=3), "f.id", "h2.h", 3, "v.verb")
    h4 = _event_hash_sql(at.format(minutes=4), "f.id", "h3.h", 4, "'closed'")
    cursor.execute(
        f"""
        CREATE UNLOGGED TABLE bench_h AS
        SELECT f.i, f.id, f.requested_on, v.verb, h1.h AS h1, h2.h AS h2, h3.h AS h3,
               h4.h AS h4, coalesce(h4.h, h3.h, h2.h) AS head
        FROM bench_f f
        CROSS JOIN LATERAL (SELECT CASE f.state WHEN 'declined' THEN 'declined'
            WHEN 'withdrawn' THEN 'withdrawn' ELSE 'accepted' END AS verb,
            f.requested_on::text AS day) v
        CROSS JOIN LATERAL (SELECT {h1} AS h) h1
        CROSS JOIN LATERAL (SELECT {h2} AS h) h2
        CROSS JOIN LATERAL (SELECT CASE WHEN f.state <> 'awaiting_consent' THEN {h3} END AS h) h3
        CROSS JOIN LATERAL (SELECT CASE WHEN f.state = 'closed' THEN {h4} END AS h) h4
        """
    )
    cursor.execute("ALTER TABLE bench_h ADD PRIMARY KEY (i)")


def _insert_history(cursor: Any) -> None:
    cursor.execute(
        f"""
        INSERT INTO audit_caseevent (sequence, verb, actor_role, actor_organisation, at,
            old, new, note, visible_to_employer, note_shared_with_employer, prev_hash, hash,
            actor_id, case_id)
        SELECT e.sequence, e.verb, '', '',
               (h.requested_on + time '09:00' + e.sequence * interval '1 minute')::timestamp
                 AT TIME ZONE 'UTC',
               '{{}}', '{{}}', '', true, false, e.prev, e.hash, NULL, h.id
        FROM bench_h h
        CROSS JOIN LATERAL (VALUES
          (1, 'requested', '{GENESIS_HASH}', h.h1),
          (2, 'answers_given', h.h1, h.h2),
          (3, h.verb, h.h2, h.h3),
          (4, 'closed', h.h3, h.h4)
        ) AS e(sequence, verb, prev, hash)
        WHERE e.hash IS NOT NULL

        """
    )


# The tables the load fills; their secondary indexes are built once at the end,
# several times faster than keeping them up to date row by row.
PERSONS = "people_person"
VACUUMED_TABLES = ("cases_fasttrackcase", "cases_casedeadline")
STAGING_TABLES = ["bench_m", "bench_e", "bench_f", "bench_h", "bench_d"]
LOADED_TABLES = [
    PERSONS,
    "people_employment",
    "cases_absence",
    "cases_fasttrackcase",
    "cases_casedeadline",
    "cases_consent",
    "cases_employerconversation",
    "meetings_meeting",
    "cases_answers",
    "audit_caseevent",
    "notifications_message",
    "audit_accesslogentry",
]


def _drop_secondary_indexes(cursor: Any, tables: list[str]) -> list[str]:
    """Drop the indexes of ``tables`` that no constraint needs; their definitions."""
    cursor.execute(
        """
        SELECT i.indexdef, i.indexname FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [tables],
    )
    definitions = cursor.fetchall()
    for _definition, name in definitions:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for definition, _name in definitions]


def _letters_and_log(cursor: Any, p: dict[str, Any]) -> None:
    # Two letters a case, both sent: the consent request (or the receipt) to the
    # employee by Digital Post and the receipt to HR by the inbox.
    cursor.execute(
        """
        INSERT INTO notifications_message (dedupe_key, kind, channel, recipient_address,
            to_employer, language, subject, body_text, body_html, attachments, case_id,
            contains_health_data, status, attempts, max_attempts, next_attempt_at, claimed_at,
            sent_at, last_error, provider_reference, task_id, created_at, first_opened_at,
            recipient_person_id, recipient_user_id, sender_municipality_id)
        SELECT 'bench:' || f.id || ':' || l.kind, l.kind, l.channel, '', l.to_employer, 'da',
               l.subject, l.body, '', '[]', f.id, false, 'sent', 1, 5,
               f.requested_on + time '09:00', f.requested_on + time '09:01',
               f.requested_on + time '09:01', '', '', NULL, f.requested_on + time '09:00',
               NULL, CASE WHEN l.to_employer THEN NULL ELSE f.id END, NULL, m.id
        FROM bench_f f JOIN bench_m m ON m.idx = f.m_idx
        CROSS JOIN (VALUES
          ('consent_request', 'digital_post', false, 'Din arbejdsgiver har bedt om Fast track',
           'Din arbejdsgiver har bedt jobcentret om Fast track. Svar senest om to bankdage.'),
          ('request_received', 'inbox', true, 'Anmodningen om Fast track er modtaget',
           'Jobcentret har modtaget anmodningen og følger op inden for 14 dage.')
        ) AS l(kind, channel, to_employer, subject, body)

        """,
        p,
    )
    # The access log of the last six months: the request, the caseworker's
    # reads and the employee's own look at the case.
    cursor.execute(
        """
        INSERT INTO audit_accesslogentry (at, username, role, organisation, action, criterion,
            purpose, ip, case_id, person_id, user_id)
        SELECT f.requested_on + time '09:00' + a.offset_, a.username, a.role, a.organisation,
               a.action, '', a.purpose, '127.0.0.1', f.id, f.id, NULL
        FROM bench_f f
        CROSS JOIN (VALUES
          (interval '0 minutes', 'hr', 'employer', 'Virksomhed', 'change', 'request'),
          (interval '1 day', 'sagsbehandler', 'caseworker', 'Jobcenter', 'read', 'case_work'),
          (interval '2 days', 'borger', 'employee', 'Borger', 'read', 'own_data')
        ) AS a(offset_, username, role, organisation, action, purpose)
        WHERE f.age <= 183
        """,
        p,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--fresh", type=int, default=100_000)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    options = parser.parse_args()
    _django()
    from django.utils import timezone

    today = options.today or timezone.localdate()
    timings = generate(cases=options.cases, fresh=options.fresh, today=today)
    print(f"Generated {options.cases} cases: " + ", ".join(f"{k} {v}s" for k, v in timings.items()))


if __name__ == "__main__":
    main()
