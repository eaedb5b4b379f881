"""Every ``sh`` example in docs/api.md, run with curl against a live server over
the demo world, in order, answering the status its comment promises (``→ 201``).

A reader runs the examples against ``make run``; here the server is Django's
live server over a fresh demo world from ``seed_demo``. Tokens come from the
``create_token`` command the examples call, run in this process because the
test database is not visible to another one. Nothing else is changed: the
commands run in bash as written, with only the base URL swapped.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "api.md"
DOCUMENTED_BASE_URL = "http://127.0.0.1:8000"
SH_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
PROMISED_STATUS = re.compile(r"→ (\d{3})\b")
CREATE_TOKEN = re.compile(
    r"^(?P<variable>\w+)=\$\(\.venv/bin/fasttrack create_token (?P<username>[\w-]+)"
    r'(?: --name "(?P<name>[^"]*)")?\)$'
)
STATUS_LINE = re.compile(r"^@@status (\d{3})$", re.MULTILINE)
# Every curl reports its status on standard error, beside whatever the
# example does with standard output (a variable, a file, jq).
CURL_REPORTING_STATUS = (
    "curl() { command curl --write-out '%{stderr}@@status %{http_code}\\n' \"$@\"; }"
)
BASH = shutil.which("bash") or "/bin/bash"
UUIDGEN_FALLBACK = "uuidgen() { python3 -c 'import uuid; print(uuid.uuid4())'; }"


@dataclass(frozen=True)
class Request:
    command: str
    status: int | None  # None: no promise in the docs, so any 2xx


def examples(markdown: str) -> tuple[list[str], list[Request]]:
    """The lines of every sh block, and each curl call in them with the status
    promised by the last comment before it."""
    lines: list[str] = []
    requests: list[Request] = []
    for block in SH_BLOCK.findall(markdown):
        promised: int | None = None
        for line in block.splitlines():
            lines.append(line)
            if line.lstrip().startswith("#"):
                found = PROMISED_STATUS.search(line)
                promised = int(found.group(1)) if found else promised
                continue
            for _ in range(len(re.findall(r"(?<![\w-])curl ", line))):
                requests.append(Request(line.strip(), promised))
                promised = None
    return lines, requests


def _create_token(match: re.Match[str]) -> str:
    out = StringIO()
    arguments = [match["username"]] + (["--name", match["name"]] if match["name"] else [])
    call_command("create_token", *arguments, stdout=out)
    return f"{match['variable']}='{out.getvalue().strip()}'"


def script(lines: list[str], base_url: str) -> str:
    preamble = [CURL_REPORTING_STATUS]
    if shutil.which("uuidgen") is None:
        preamble.append(UUIDGEN_FALLBACK)
    body = []
    for line in lines:
        match = CREATE_TOKEN.match(line.strip())
        body.append(_create_token(match) if match else line)
    return "\n".join(preamble + body).replace(DOCUMENTED_BASE_URL, base_url) + "\n"


def test_the_parser_finds_each_request_and_its_promise():
    _, requests = examples(
        "```sh\n# Create → 201\ncurl -s -X POST http://x/a \\\n  -d '{}'\n"
        "ID=$(curl -s http://x/b | jq .id)\n# note\ncurl http://x/c\n```\n"
        "```json\n{}\n```\n```sh\n# No\n# → 404\ncurl http://x/d\n```\n"
    )

    assert requests == [
        Request("curl -s -X POST http://x/a \\", 201),
        Request("ID=$(curl -s http://x/b | jq .id)", None),
        Request("curl http://x/c", None),
        Request("curl http://x/d", 404),
    ]


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
@pytest.mark.skipif(shutil.which("jq") is None, reason="needs jq")
@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_every_curl_example_answers_as_the_docs_say(live_server, settings):
    settings.API_RATE_LIMIT = "100000/min"
    # The test runner turns DEBUG off, and seed_demo refuses then without --force.
    call_command("seed_demo", force=True, stdout=StringIO())
    lines, requests = examples(DOCS.read_text(encoding="utf-8"))
    assert len(requests) > 20

    # The script is the project's own documentation, run as a reader would.
    run = subprocess.run(  # noqa: S603
        [BASH, "-c", script(lines, live_server.url)],
        cwd=REPO,  # where the docs say to run them (examples read files there)
        capture_output=True,
        text=True,
        timeout=60,
    )

    statuses = [int(s) for s in STATUS_LINE.findall(run.stderr)]
    assert len(statuses) == len(requests), run.stderr
    wrong = [
        (request.command, request.status or "2xx", status)
        for request, status in zip(requests, statuses, strict=True)
        if (status != request.status if request.status else not 200 <= status < 300)
    ]
    assert wrong == [], run.stdout[-4000:]
