"""Credentials, addresses and SQL query counts for the benchmark, as JSON on stdout.

Runs in-process against the benchmark's database with its environment
(``python -m bench.prepare --fresh N``): an API token for the demo HR and the
demo caseworker, a caseworker session that has given its second factor, the
caseworker's case pages, and the number of SQL queries each measured request
makes (Django's ``CaptureQueriesContext``, the median of three requests).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any


def _count(call: Any) -> tuple[int, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = call()
    return len(queries.captured_queries), response


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fresh", type=int, required=True)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fasttrack.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bench.generate import fresh_cpr
    from fasttrack.api.tokens import issue_token
    from fasttrack.cases.models import FastTrackCase
    from fasttrack.cases.states import OPEN_STATES
    from fasttrack.web.middleware import LOGIN_AT_SESSION_KEY, SEEN_AT_SESSION_KEY

    users = get_user_model().objects
    hr = users.get(username="hr")
    caseworker = users.get(username="sagsbehandler")
    hr_token = issue_token(user=hr, name="bench")[1]
    caseworker_token = issue_token(user=caseworker, name="bench")[1]

    client = Client()
    client.force_login(caseworker)
    session = client.session
    device = TOTPDevice.objects.filter(user=caseworker, confirmed=True).first()
    assert device is not None, "the demo caseworker has an authenticator app"
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[LOGIN_AT_SESSION_KEY] = session[SEEN_AT_SESSION_KEY] = timezone.now().timestamp()
    session.save()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    case_ids = list(
        FastTrackCase.objects.filter(caseworker=caseworker, state__in=OPEN_STATES)
        .order_by("id")
        .values_list("id", flat=True)[:50]
    )
    case_paths = [f"/sager/{pk}/" for pk in case_ids]
    d0 = (timezone.localdate() - timedelta(days=3)).isoformat()

    api = Client(headers={"authorization": f"Bearer {hr_token}"})
    api_caseworker = Client(headers={"authorization": f"Bearer {caseworker_token}"})
    web = Client(headers={"cookie": cookie})

    def submit(index: int) -> Any:
        body = {
            "employee_cpr": fresh_cpr(index),
            "first_absence_day": d0,
            "expects_over_8_weeks": True,
            "answers": {
                "affected_functions": "Løft",
                "affected_duration": "To uger",
                "adjustments_tried": "Kortere vagter",
            },
        }
        return api.post(
            "/api/v1/cases",
            json.dumps(body),
            content_type="application/json",
            headers={"idempotency-key": f"bench-count-{index}"},
        )

    measured: dict[str, list[Callable[[], Any]]] = {
        # The last fresh employees: the load generator never reaches them.
        "submit": [partial(submit, options.fresh - 1 - i) for i in range(4)],
        "case_list": [lambda: api_caseworker.get("/api/v1/cases")] * 4,
        "worklist": [lambda: web.get("/jobcenter/")] * 4,
        "case_page": [partial(web.get, p) for p in case_paths[:4]],
    }
    queries: dict[str, int] = {}
    for name, calls in measured.items():
        counts = []
        for call in calls:
            count, response = _count(call)
            if response.status_code not in (200, 201):
                raise SystemExit(
                    f"{name}: {response.status_code} {response.content[:300]!r} (expected 2xx)"
                )
            counts.append(count)
        # The first call warms the process's caches; the median of the other three.
        queries[name] = int(statistics.median(counts[1:]))
    print(
        json.dumps(
            {
                "hr_token": hr_token,
                "caseworker_token": caseworker_token,
                "cookie": cookie,
                "case_paths": case_paths,
                "first_absence_day": d0,
                "queries": queries,
            }
        )
    )


if __name__ == "__main__":
    main()
