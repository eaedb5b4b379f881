"""Run Django's deployment check with the environment docs/operations.md gives.

The environment file is read from the documentation itself (the first ``sh``
block under "## The environment file"), so the documented configuration and
the checked one cannot drift apart. Secrets the file names with ``*_FILE`` are
generated into a temporary directory; the HSTS flags an operator adds once
every subdomain speaks HTTPS are added. Then

    fasttrack check --deploy --fail-level WARNING

must pass. Usage: ``.venv/bin/python .ci/check_deploy.py`` (from the project).
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = ROOT / "docs" / "operations.md"
HEADING = "## The environment file"
# What an operator adds once every subdomain speaks HTTPS (docs/operations.md).
HSTS_FLAGS = {"SECURE_HSTS_INCLUDE_SUBDOMAINS": "1", "SECURE_HSTS_PRELOAD": "1"}
SECRETS = {
    "SECRET_KEY_FILE": lambda: secrets.token_urlsafe(50),
    "CPR_ENCRYPTION_KEYS_FILE": lambda: Fernet.generate_key().decode(),
    "CPR_HASH_KEY_FILE": lambda: secrets.token_hex(32),
}


def documented_environment(text: str) -> dict[str, str]:
    """The variables of the environment file in docs/operations.md, in the
    systemd ``EnvironmentFile`` syntax it is written for: ``NAME=value`` per
    line, whole-line comments only."""
    section = text.split(HEADING, 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    if block is None:
        raise SystemExit(f"No ```sh block under {HEADING!r} in {OPERATIONS}")
    environment = {}
    for line in block.group(1).splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        name, separator, value = line.partition("=")
        if not separator or not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
            raise SystemExit(f"Not an environment line in {OPERATIONS}: {line!r}")
        environment[name] = value
    return environment


def check_environment(secrets_dir: Path) -> dict[str, str]:
    """The documented environment with generated secrets and the HSTS flags."""
    environment = documented_environment(OPERATIONS.read_text(encoding="utf-8"))
    for name, value in list(environment.items()):
        if name.endswith("_FILE"):
            secret = secrets_dir / Path(value).name
            secret.write_text(SECRETS.get(name, lambda: secrets.token_urlsafe(16))() + "\n")
            environment[name] = str(secret)
    return {**environment, **HSTS_FLAGS}


def run_check(secrets_dir: Path) -> subprocess.CompletedProcess[str]:
    # Only the documented variables: nothing from the caller's shell (DEBUG=1
    # in CI, a developer's DATABASE_URL) may help the check pass.
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    # The project's own fasttrack command, beside this Python.
    return subprocess.run(  # noqa: S603
        [
            str(Path(sys.executable).parent / "fasttrack"),
            *("check", "--deploy", "--fail-level", "WARNING"),
        ],
        cwd=ROOT,
        env={**base, **check_environment(secrets_dir)},
        capture_output=True,
        text=True,
        check=False,
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as secrets_dir:
        result = run_check(Path(secrets_dir))
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
