"""The error type shared by the identifier validators in lib."""

from __future__ import annotations

from typing import Any


class InvalidIdentifier(ValueError):
    """A CPR or CVR number that breaks its rule.

    ``message`` is an English template marked with ``gettext_noop`` and
    ``params`` holds its values, so that the Django layer can show it in the
    user's language.
    """

    def __init__(self, code: str, message: str, **params: Any) -> None:
        self.code = code
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)
