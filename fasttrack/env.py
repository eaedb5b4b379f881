"""Typed readers for configuration from the environment.

Each helper fails loudly with the variable's name: a typo in production
configuration must stop the process at start-up, not surface as odd behaviour
later. A variable ``NAME_FILE`` is read instead of ``NAME`` when set, so that
secrets can come from files mounted by the orchestrator.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit


class ConfigurationError(RuntimeError):
    """A required or malformed environment variable."""


_MISSING = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigurationError(
                f"{name}_FILE={file_name!r} cannot be read: {error}"
            ) from error
    return os.environ.get(name)


def env_str(name: str, default: str | object = _MISSING) -> str:
    value = _raw(name)
    if value is None:
        if default is _MISSING:
            raise ConfigurationError(f"The environment variable {name} is required.")
        return str(default)
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}."
    )


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ConfigurationError(f"{name} must be a whole number; got {value!r}.") from error


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str, default: str | object = _MISSING) -> str:
    """An absolute http(s) address such as ``https://fasttrack.example.dk``, without a final /."""
    value = env_str(name, default).strip()
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise ConfigurationError(
            f"{name} must be an absolute http:// or https:// address such as "
            f"https://fasttrack.example.dk; got {value!r}."
        )
    return value.rstrip("/")
