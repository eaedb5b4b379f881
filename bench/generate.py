"""Load a national-scale world into PostgreSQL: ``python -m bench.generate --cases 1000000``.

Set-based: persons go in with one COPY (their CPR numbers must be encrypted in
Python), everything else with ``INSERT … SELECT`` over ``generate_series`` in
the database, never the ORM row by row. The world:

- the demo world (its personas log in and request through the API), the 98
  municipalities and 2,000 employers;
- ``--cases`` Fast track cases over the last ``cases / 1,100`` days (about
  400,000 a year), spread over the municipalities with København the largest;
  each with its absence, employee, employment, five deadlines, a hash-chained
  history (2 to 4 events, verifiable), two letters that were sent, and the
  access log of the last six months;
- states as the clock would leave them: the newest awaiting consent, the last
  ten weeks active (a few declined or withdrawn), the older ones closed; the
  deadlines met, missed or pending accordingly, with yesterday's due ones
  still pending so that today's sweep has work;
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
    "to_char({at} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') || "
    '\'","case_id":\' || {case_id} || \',"new":{{}},"note":"","old":{{}},"prev_hash":"\' || '
    '{prev} || \'","sequence":{sequence},"verb":"\' || {verb} || \'","visible_to_employer":true}}\''
)


def _event_hash_sql(at: str, case_id: str, prev: str, sequence: int, verb: str) -> str:
    text = EVENT_JSON.format(at=at, case_id=case_id, prev=prev, sequence=sequence, verb=verb)
    return f"encode(sha256(convert_to({text}, 'UTF8')), 'hex')"


def generate(*, cases: int, fresh: int, today: date) -> dict[str, float]:
    _django()
    from django.db import connection, transaction

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
    caseworker_by_municipality = dict(
        Membership.objects.filter(
            role=Role.CASEWORKER, user__username__startswith="bench-sagsbehandler-"
        ).values_list("municipality_id", "user_id")
    )
    copenhagen = Municipality.objects.get(code="101").pk
    rule_set = rule_set_for(today)
    span = max(1, cases // CASES_PER_DAY)
    with transaction.atomic(), connection.cursor() as cursor:
        # Bulk loading: no foreign-key or history triggers per row (the rows
        # are made consistent here), and no waiting for the WAL flush.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL synchronous_commit = off")
        # The load's statements run for minutes, not the production limit's seconds.
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        indexes = _drop_secondary_indexes(cursor)
        _copy_persons(cursor, cases, fresh, municipalities)
        lap("persons")
        params = {
            "n": cases,
            "span": span,
            "today": today,
            "base": ID_BASE,
            "nordisk": nordisk,
            "demo_cw": demo_caseworker,
            "cph": copenhagen,
            "rule_set": rule_set.version,
            "question_set": rule_set.question_set,
        }
        cursor.execute("CREATE TEMP TABLE bench_m (idx int PRIMARY KEY, id bigint, cw int)")
        cursor.executemany(
            "INSERT INTO bench_m VALUES (%s, %s, %s)",
            [
                (index, pk, caseworker_by_municipality.get(pk))
                for index, pk in enumerate(municipalities)
            ],
        )
        cursor.execute("CREATE TEMP TABLE bench_e (idx int PRIMARY KEY, id bigint)")
        cursor.executemany("INSERT INTO bench_e VALUES (%s, %s)", list(enumerate(employers)))
        _case_facts(cursor, params, len(municipalities), len(employers))
        _history(cursor)
        lap("facts_and_hashes")
        _insert_world(cursor, params)
        lap("cases")
        _insert_history(cursor)
        lap("history")
        _letters_and_log(cursor, params)
        lap("letters_and_access_log")
        for definition in indexes:
            cursor.execute(definition)
        lap("indexes")
        for table in (
            "people_person",
            "cases_absence",
            "cases_fasttrackcase",
            "people_employment",
            "cases_casedeadline",
            "audit_caseevent",
            "notifications_message",
            "audit_accesslogentry",
            "cases_answers",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    lap("commit")
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        for table in (
            "people_person",
            "cases_absence",
            "cases_fasttrackcase",
            "cases_casedeadline",
            "audit_caseevent",
            "notifications_message",
            "audit_accesslogentry",
        ):
            # The cases and deadlines are vacuumed too, as autovacuum would soon
            # after a load: the visibility map lets the statistics' counts read
            # their indexes alone (index-only scans), as they do in production.
            vacuum = "VACUUM " if table in ("cases_fasttrackcase", "cases_casedeadline") else ""
            cursor.execute(f"{vacuum}ANALYZE {table}")
    lap("analyze")
    timings["total"] = round(time.monotonic() - started, 2)
    return timings


def _case_facts(cursor: Any, p: dict[str, Any], municipalities: int, employers: int) -> None:
    """One row per case with every fact the tables are made from."""
    municipality = MUNICIPALITY_SQL.format(count=municipalities)
    cursor.execute(
        f"""
        CREATE TEMP TABLE bench_f AS
        SELECT i, %(base)s::bigint + i AS id, age, requested_on,
               requested_on - (3 + i %% 20) AS d0,
               CASE
                 WHEN age <= 2 AND i %% 4 <> 0 THEN 'awaiting_consent'
                 WHEN age <= 70 AND i %% 20 = 1 THEN 'declined'
                 WHEN age <= 70 AND i %% 20 = 2 THEN 'withdrawn'
                 WHEN age <= 70 THEN 'active'
                 WHEN i %% 13 = 0 THEN 'declined'
                 WHEN i %% 14 = 0 THEN 'withdrawn'
                 ELSE 'closed'
               END AS state,
               {municipality} AS m_idx,
               CASE WHEN i %% 100 = 0 THEN NULL ELSE (i / 3) %% %(employers)s END AS e_idx
        FROM (
          SELECT i, ((i - 1) * %(span)s / %(n)s) AS age,
                 %(today)s::date - ((i - 1) * %(span)s / %(n)s)::int AS requested_on
          FROM generate_series(1, %(n)s) AS i
        ) s
        """,
        {**p, "employers": employers},
    )
    cursor.execute("ALTER TABLE bench_f ADD PRIMARY KEY (i)")
    # The deadlines, each (due, status, met_on) as the clock and yesterday's sweep left them.
    cursor.execute(
        """
        CREATE TEMP TABLE bench_d AS
        SELECT f.i, f.id, f.state, d.key, d.due, d.basis, d.rule_id, d.legal, d.counts_from,
          CASE
            WHEN d.key = 'request_window_closes' THEN 'met'
            WHEN d.key = 'employee_consent' AND f.state = 'awaiting_consent' THEN 'pending'
            WHEN d.key = 'employee_consent' THEN 'met'
            WHEN f.state IN ('closed', 'withdrawn', 'declined') AND d.due < f.requested_on + 40
                 AND f.state = 'closed' THEN 'met'
            WHEN f.state IN ('closed', 'withdrawn', 'declined') THEN 'not_applicable'
            WHEN d.due >= %(today)s::date THEN 'pending'
            WHEN d.due = %(today)s::date - 1 AND f.i %% 3 = 0 THEN 'pending'
            WHEN f.i %% 10 = 7 THEN 'missed'
            ELSE 'met'
          END AS status
        FROM bench_f f
        CROSS JOIN LATERAL (VALUES
          ('request_window_closes', f.d0 + 34, 'sygedagpengeloven § 7 c', 'R-03', true, f.d0),
          ('employee_consent', f.requested_on + 2, 'bek. 1710 § 4, stk. 1', 'R-11', true,
           f.requested_on),
          ('first_followup_conversation', f.requested_on + 14, 'sygedagpengeloven § 13 b, stk. 2',
           'R-19', true, f.requested_on),
          ('retention_meeting', f.d0 + 30, 'Jobcentrets praksis (lokalt mål, ikke lovkrav)',
           'R-21', false, f.d0),
          ('employer_sick_absence_conversation', f.d0 + 28, 'sygedagpengeloven § 7 a', 'R-23',
           true, f.d0)
        ) AS d(key, due, basis, rule_id, legal, counts_from)
        """,
        p,
    )
    cursor.execute(
        """
        CREATE TEMP TABLE bench_next AS
        SELECT DISTINCT ON (i) i, due, key FROM bench_d
        WHERE status = 'pending' AND key <> 'employer_sick_absence_conversation'
        ORDER BY i, due, key
        """
    )
    cursor.execute("ALTER TABLE bench_next ADD PRIMARY KEY (i)")


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
        SELECT 'Ny medarbejder', %(today)s::date - 400, %(nordisk)s, id
        FROM people_person WHERE id >= 5000000
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
        SELECT f.id, CASE WHEN f.i %% 5 = 0 THEN 'employee' ELSE 'employer' END,
               CASE WHEN f.i %% 2 = 0 THEN 'api' ELSE 'web' END,
               f.requested_on, %(rule_set)s, %(question_set)s, f.state,
               CASE WHEN f.i %% 5 = 0 THEN NULL ELSE f.requested_on END,
               CASE WHEN f.state = 'closed' THEN
                    (ARRAY['back_full_time', 'back_part_time', 'other_job', 'other'])[1 + f.i %% 4]
                    WHEN f.state = 'declined' THEN 'normal_track' ELSE '' END,
               CASE WHEN f.state = 'closed' THEN least(f.requested_on + 60 + f.i %% 60,
                    %(today)s::date - 1) END,
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
        INSERT INTO cases_casedeadline (key, due_on, basis, rule_id, legal, counts_from, status,
            met_on, case_id)
        SELECT key, due, basis, rule_id, legal, counts_from, status,
               CASE WHEN status = 'met' THEN least(due, %(today)s::date) - 1 END, id
        FROM bench_d
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


def _history(cursor: Any) -> None:
    """The hashes of 2 to 4 events a case, chained exactly as ``audit.history`` chains
    them, all four of a case in one pass; ``bench_h.head`` is its ``history_head``."""
    at = (
        "(f.requested_on + time '09:00' + interval '{minutes} minutes')::timestamp "
        "AT TIME ZONE 'UTC'"
    )
    genesis = f"'{GENESIS_HASH}'"
    h1 = _event_hash_sql(at.format(minutes=1), "f.id", genesis, 1, "'requested'")
    h2 = _event_hash_sql(at.format(minutes=2), "f.id", "h1.h", 2, "'answers_given'")
    h3 = _event_hash_sql(at.format(minutes=3), "f.id", "h2.h", 3, "v.verb")
    h4 = _event_hash_sql(at.format(minutes=4), "f.id", "h3.h", 4, "'closed'")
    cursor.execute(
        f"""
        CREATE TEMP TABLE bench_h AS
        SELECT f.i, f.id, f.requested_on, v.verb, h1.h AS h1, h2.h AS h2, h3.h AS h3,
               h4.h AS h4, coalesce(h4.h, h3.h, h2.h) AS head
        FROM bench_f f
        CROSS JOIN LATERAL (SELECT CASE f.state WHEN 'declined' THEN 'declined'
            WHEN 'withdrawn' THEN 'withdrawn' ELSE 'accepted' END AS verb) v
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
LOADED_TABLES = [
    "people_person",
    "people_employment",
    "cases_absence",
    "cases_fasttrackcase",
    "cases_casedeadline",
    "cases_answers",
    "audit_caseevent",
    "notifications_message",
    "audit_accesslogentry",
]


def _drop_secondary_indexes(cursor: Any) -> list[str]:
    """Drop the indexes of ``LOADED_TABLES`` that no constraint needs; their definitions."""
    cursor.execute(
        """
        SELECT i.indexdef, i.indexname FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [LOADED_TABLES],
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
