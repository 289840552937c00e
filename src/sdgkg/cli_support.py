"""Command-line conventions kept out of the commands themselves: usage errors on one line,
shell-completion callbacks, the terminal's width.

Light on purpose (typer, the standard library and `sdgkg.errors`): the CLI imports it at start.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

import typer

from sdgkg.errors import SdgkgError

# Click's UsageError, whether typer uses click itself (up to 0.2x) or its own copy of it
# (typer._click in 0.28): typer exports BadParameter, one of its subclasses.
UsageError: type[Any] = next(
    base for base in typer.BadParameter.__mro__ if base.__name__ == "UsageError"
)


class OneLineUsageError(UsageError):  # type: ignore[misc]  # click is untyped here
    """A click usage error shown the sdgkg way: `Error: ...` and `Hint: ...`, one line each,
    instead of the usage block, a blank line and the message."""

    def __init__(self, message: str, hint: str, ctx: Any = None) -> None:
        super().__init__(message, ctx)
        self.hint = hint

    def show(self, file: Any = None) -> None:
        stream = file or sys.stderr
        typer.echo(f"Error: {self.format_message()}", file=stream)
        typer.echo(f"Hint: {self.hint}", file=stream)


def one_line(exc: Any) -> OneLineUsageError:
    """The same usage error, on one line, with a hint naming the help to read."""
    message = " ".join(exc.format_message().split())
    ctx = exc.ctx
    path = ctx.command_path if ctx else "sdgkg"
    if ctx is not None and ctx.parent is None and "No such command" in message:
        hint = "run 'sdgkg -h' for the list of commands"
    else:
        hint = f"run '{path} -h' for its options and examples"
    error = OneLineUsageError(message, hint, ctx)
    error.exit_code = exc.exit_code
    return error


def terminal_width() -> int:
    """Columns of the terminal (or $COLUMNS); 80 when it cannot be told."""
    return shutil.get_terminal_size((80, 24)).columns


def complete_query_names(ctx: Any, incomplete: str) -> list[str]:
    """Named queries whose name starts with what was typed (checks/ ones only when asked)."""
    try:
        from sdgkg.api import list_queries  # completion only: resolves --root like the CLI

        names = [query.name for query in list_queries(_root(ctx))]
    except (SdgkgError, OSError):
        return []
    shown = [n for n in names if n.startswith(incomplete)]
    return [n for n in shown if incomplete.startswith("checks/") or not n.startswith("checks/")]


def complete_param_names(ctx: Any, incomplete: str) -> list[str]:
    """`NAME=` for each parameter of the query named on the command line; after `NAME=`, the
    values it accepts when it says (a language: kk, en, ru)."""
    try:
        from sdgkg.api import resolve_query  # completion only: resolves --root like the CLI
        from sdgkg.query.named import accepted_values

        named = resolve_query(_typed_query(ctx), _root(ctx))
    except (SdgkgError, OSError):
        return []
    if "=" in incomplete:
        name, _, typed = incomplete.partition("=")
        param = next((p for p in named.params if p.name == name), None)
        values = accepted_values(param) if param else ()
        return [f"{name}={value}" for value in values if value.startswith(typed)]
    return [f"{p.name}=" for p in named.params if p.name.startswith(incomplete)]


def _typed_query(ctx: Any) -> str:
    # While `-p` waits for its value the parser stops early and leaves the query name among
    # the unparsed words instead of in the parameters.
    if ctx.params.get("query"):
        return str(ctx.params["query"])
    return next((word for word in ctx.args if not word.startswith("-")), "")


def _root(ctx: Any) -> Any:
    top = ctx.find_root()
    root = top.params.get("root") if top.params else None
    return root or os.environ.get("SDGKG_ROOT") or None
