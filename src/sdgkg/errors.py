"""Every exception sdgkg raises, and the one way an error is written for a person.

The CLI and the server turn a `SdgkgError` into `error_lines` and an exit code or status.
"""

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


class SparqlSyntaxError(QueryError):
    """A query that does not parse, with its 1-based line and column (0 when unknown)."""

    def __init__(
        self, message: str, hint: str | None = None, line: int = 0, column: int = 0
    ) -> None:
        super().__init__(message, hint)
        self.line = line
        self.column = column


class QueryTimeout(QueryError):
    """A query ran past its time limit; its worker may still be running."""


class ResultTooLarge(QueryError):
    """The query has more rows or triples than the limit allows."""


class NetworkRefused(SdgkgError):
    """An outbound network attempt while the graph works offline."""


class ExtractionFailed(SdgkgError):
    """Extracted candidates that do not validate, or committed extraction output that is stale."""

    exit_code = 1


class HttpError(Exception):
    """An HTTP error status with a one-line message (and maybe a hint) for the client."""

    def __init__(
        self,
        status: int,
        message: str,
        hint: str | None = None,
        place: tuple[int, int] | None = None,  # line and column in the query, if it is there
    ) -> None:
        super().__init__(status, message, hint, place)
        self.status = status
        self.message = message
        self.hint = hint
        self.place = place


class WorkerTimeout(Exception):
    """A server job ran past the time limit; its worker was killed."""


class WorkerCrashed(Exception):
    """A server worker died while running a job."""


def error_lines(message: str, hint: str | None = None) -> str:
    """`Error: message` and, when there is one, `Hint: hint`, each on its own line."""
    return f"Error: {message}\n" + (f"Hint: {hint}\n" if hint else "")
