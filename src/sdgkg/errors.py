"""The exceptions sdgkg raises; the CLI turns each into one `Error:` line and an exit code."""

from __future__ import annotations


class SdgkgError(Exception):
    """Base error: a message for the user, an optional hint, and the CLI exit code."""

    exit_code: int = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(SdgkgError):
    """Input that cannot be read or parsed, or a bad invocation."""


class QueryError(SdgkgError):
    """A query that cannot be found, bound, parsed or rendered."""
