"""Configuration from the environment fails loudly (DESIGN.md §5.5)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fasttrack.env import ConfigurationError, env_bool, env_int, env_list, env_str, env_url


def import_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", "import fasttrack.settings"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_requires_a_secret_key_when_debug_is_off():
    result = import_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_requires_the_cpr_keys_when_debug_is_off():
    result = import_settings(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "CPR_" in result.stderr


def test_it_starts_in_production_mode_with_every_secret_given():
    result = import_settings(
        DEBUG="0",
        SECRET_KEY="x" * 50,
        CPR_ENCRYPTION_KEYS="m6Kb3K3tD1yT0kq2W8k8yq7l3Qm0N6bXv4p5s6t7u8w=",
        CPR_HASH_KEY="y" * 64,
        SITE_URL="https://fasttrack.example.dk",
    )
    assert result.returncode == 0, result.stderr


def test_it_requires_the_site_url_when_debug_is_off():
    result = import_settings(
        DEBUG="0",
        SECRET_KEY="x" * 50,
        CPR_ENCRYPTION_KEYS="m6Kb3K3tD1yT0kq2W8k8yq7l3Qm0N6bXv4p5s6t7u8w=",
        CPR_HASH_KEY="y" * 64,
    )
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr


@pytest.mark.parametrize(
    "address", ["fasttrack.example.dk", "ftp://fasttrack.example.dk", "https://", "/sager/"]
)
def test_it_refuses_a_site_url_that_is_not_an_absolute_web_address(monkeypatch, address):
    monkeypatch.setenv("FASTTRACK_SITE", address)
    with pytest.raises(ConfigurationError, match="FASTTRACK_SITE"):
        env_url("FASTTRACK_SITE")


def test_it_keeps_the_site_url_without_a_final_slash(monkeypatch):
    monkeypatch.setenv("FASTTRACK_SITE", "https://fasttrack.example.dk/")
    assert env_url("FASTTRACK_SITE") == "https://fasttrack.example.dk"


def test_it_rejects_a_malformed_boolean(monkeypatch):
    monkeypatch.setenv("FASTTRACK_FLAG", "maybe")
    with pytest.raises(ConfigurationError, match="FASTTRACK_FLAG"):
        env_bool("FASTTRACK_FLAG", False)


def test_it_rejects_a_malformed_number(monkeypatch):
    monkeypatch.setenv("FASTTRACK_NUMBER", "twelve")
    with pytest.raises(ConfigurationError, match="FASTTRACK_NUMBER"):
        env_int("FASTTRACK_NUMBER", 1)


def test_it_reads_secrets_from_a_file(monkeypatch, tmp_path: Path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("FASTTRACK_SECRET_FILE", str(secret))
    assert env_str("FASTTRACK_SECRET") == "from-a-file"


def test_it_splits_lists(monkeypatch):
    monkeypatch.setenv("FASTTRACK_HOSTS", "a.example, b.example,,")
    assert env_list("FASTTRACK_HOSTS", []) == ["a.example", "b.example"]
