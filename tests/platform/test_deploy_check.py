"""`fasttrack check --deploy --fail-level WARNING` passes with the environment
docs/operations.md gives, as CI runs it (`.ci/check_deploy.py`).

Issue 12, finding 11.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def check_deploy() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_deploy", ROOT / ".ci" / "check_deploy.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_passes_the_deployment_check_with_the_documented_environment(tmp_path: Path) -> None:
    result = check_deploy().run_check(tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_checks_with_debug_off_and_https_enforced(tmp_path: Path) -> None:
    environment = check_deploy().check_environment(tmp_path)

    assert environment["DEBUG"] == "0"
    assert environment["SECURE_SSL_REDIRECT"] == "1"
    assert int(environment["SECURE_HSTS_SECONDS"]) >= 31536000
    assert environment["SECURE_HSTS_INCLUDE_SUBDOMAINS"] == "1"
    assert environment["SECURE_HSTS_PRELOAD"] == "1"
    # Secrets are generated, never taken from the documentation.
    assert Path(environment["SECRET_KEY_FILE"]).parent == tmp_path


def test_it_reads_the_hsts_flags_from_the_environment() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; import django; django.setup(); "
            "print(settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD)",
        ],
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "fasttrack.settings",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
            "SECURE_HSTS_PRELOAD": "1",
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split() == ["True", "True"]
