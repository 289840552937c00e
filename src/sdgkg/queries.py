"""Named queries (`queries/*.rq` with a `#+` header), parameter binding, and running them.

Header lines, before the SPARQL::

    #+ title: Names of the centre
    #+ description: The centre's names in Kazakh, English and Russian.
    #+ param: lang | language | - | Only names in this language tag.

A param line is `NAME | TYPE | DEFAULT | DESCRIPTION`; TYPE is iri, string, language (kk, en
or ru), integer or search (words, bound as a regular expression, see sdgkg.search); DEFAULT `-`
leaves the variable unbound, `!` makes the parameter required, anything else is bound when the
user gives no value. Other `#+` keys (e.g. grlc's) are ignored.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from sdgkg.engine import EmbeddedEngine, Engine, QueryResult
from sdgkg.errors import InputError, QueryError
from sdgkg.guard import screen_query
from sdgkg.limits import QueryLimits, call_with_timeout
from sdgkg.namespaces import expand
from sdgkg.paths import query_dir, resolve_root
from sdgkg.terms import XSD, Term

_HEADER = re.compile(r"^#\+\s*([\w-]+)\s*:\s*(.*?)\s*$")
_NAME = re.compile(r"^[\w-]+(/[\w-]+)*$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ABSOLUTE_IRI = re.compile(r"^(https?://|urn:|file:|mailto:)[^\s<>\"{}|\\^`]*$")
_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_PREFIXED_NAME = re.compile(r"^([A-Za-z][\w.-]*)?:[^/]")
OPTIONAL, REQUIRED = "-", "!"
# The languages of the graph's labels and texts (sdgkg.inputs refuses any other tag).
LANGUAGES = ("kk", "en", "ru")


class ParamType(StrEnum):
    IRI = "iri"
    STRING = "string"
    LANGUAGE = "language"
    INTEGER = "integer"
    SEARCH = "search"  # words, bound as a regular expression that meets their inflected forms


@dataclass(frozen=True)
class Param:
    name: str
    type: ParamType
    default: str | None  # None: optional and unbound
    description: str = ""
    required: bool = False


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: Path | None = None

    @property
    def has_header(self) -> bool:
        return bool(self.title or self.description or self.params)

    def as_dict(self) -> dict[str, object]:
        """Name, title, description and params, for JSON listings."""
        params = [{**vars(p), "type": p.type.value} for p in self.params]
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "params": params,
        }


def parse_query(text: str, name: str, path: Path | None = None) -> NamedQuery:
    """Parse a query text with an optional `#+` header."""
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break  # the header ends where the SPARQL starts
        match = _HEADER.match(stripped)
        if match:
            fields.setdefault(match.group(1).lower(), []).append(match.group(2))
    shown = path.name if path else name
    params = tuple(_parse_param(spec, shown) for spec in fields.get("param", []))
    title = " ".join(fields.get("title", fields.get("summary", [])))
    return NamedQuery(name, title, " ".join(fields.get("description", [])), params, text, path)


def _parse_param(spec: str, shown: str) -> Param:
    parts = [part.strip() for part in spec.split("|")]
    if len(parts) != 4 or not _VARIABLE.match(parts[0]):
        raise QueryError(f"{shown}: bad param line '{spec}'", hint="NAME | TYPE | DEFAULT | TEXT")
    name, kind, default, description = parts
    try:
        param_type = ParamType(kind.lower())
    except ValueError:
        types = ", ".join(t.value for t in ParamType)
        raise QueryError(f"{shown}: param {name} has unknown type '{kind}'", hint=types) from None
    value = None if default in (OPTIONAL, REQUIRED) else default
    return Param(name, param_type, value, description, required=default == REQUIRED)


def list_queries(root: str | os.PathLike[str] | None = None) -> list[NamedQuery]:
    """Every named query under queries/, checks included as `checks/NAME`, sorted by name."""
    folder = query_dir(resolve_root(root))
    files = sorted(folder.rglob("*.rq")) if folder.is_dir() else []
    return [_load(path, _query_name(folder, path)) for path in files]


def _query_name(folder: Path, path: Path) -> str:
    return path.relative_to(folder).with_suffix("").as_posix()


def _load(path: Path, name: str) -> NamedQuery:
    try:
        return parse_query(path.read_text(encoding="utf-8"), name, path)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read query ({exc})") from None


def resolve_query(arg: str, root: str | os.PathLike[str] | None = None) -> NamedQuery:
    """A query from a NAME in queries/, a path to a .rq file, or literal SPARQL text."""
    if arg.endswith(".rq"):
        if not Path(arg).is_file():
            raise InputError(f"{arg}: no such query file")
        return _load(Path(arg), Path(arg).stem)
    if _NAME.match(arg):
        return _named(arg, list_queries(root))
    if "{" not in arg and Path(arg).is_file():
        return _load(Path(arg), Path(arg).stem)
    return parse_query(arg, "<sparql>")


def _named(name: str, queries: list[NamedQuery]) -> NamedQuery:
    by_name = {query.name: query for query in queries}
    if name in by_name:
        return by_name[name]
    close = difflib.get_close_matches(name, list(by_name), n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(close)}?" if close else "run 'sdgkg queries' to list them"
    raise QueryError(f"unknown query '{name}'", hint=hint)


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """Turn `key=value` strings (the CLI's --param) into a dict."""
    values = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"bad --param '{item}'", hint="write it as NAME=VALUE")
        values[key.strip()] = value
    return values


def bind_params(query: NamedQuery, values: Mapping[str, str]) -> dict[str, Term]:
    """Convert user values into terms for the query's variables (never pasted into the text)."""
    if not query.has_header:
        return {_checked_variable(k): _free_term(v) for k, v in values.items()}
    declared = {param.name: param for param in query.params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        names = ", ".join(declared) or "none"
        message = f"unknown parameter '{unknown[0]}' for {query.name}"
        raise QueryError(message, hint=f"known: {names}")
    bound = {}
    for param in query.params:
        value = values.get(param.name, param.default)
        if value is None and param.required:
            raise QueryError(f"missing required parameter '{param.name}' for {query.name}")
        if value is not None:
            bound[param.name] = _typed_term(param, value)
    return bound


def _checked_variable(name: str) -> str:
    if not _VARIABLE.match(name):
        raise QueryError(f"bad parameter name '{name}'", hint="use a SPARQL variable name")
    return name


def _free_term(value: str) -> Term:
    # Without a declared type, only an explicit <IRI> or a project prefixed name is an IRI.
    if value.startswith("<") and value.endswith(">"):
        return Term.iri(value[1:-1])
    iri = expand(value)
    return Term.iri(iri) if iri else Term.literal(value)


def _typed_term(param: Param, value: str) -> Term:
    if param.type is ParamType.IRI:
        return Term.iri(_iri(param.name, value))
    if param.type is ParamType.INTEGER:
        try:
            return Term.literal(str(int(value)), XSD + "integer")
        except ValueError:
            raise QueryError(f"parameter {param.name}: '{value}' is not an integer") from None
    if param.type is ParamType.SEARCH:
        from sdgkg.search import search_pattern

        return Term.literal(search_pattern(value))
    if param.type is ParamType.LANGUAGE and not _LANGUAGE.match(value):
        raise QueryError(f"parameter {param.name}: '{value}' is not a language tag like en or kk")
    if param.type is ParamType.LANGUAGE and value.lower() not in LANGUAGES:
        raise QueryError(
            f"parameter {param.name}: the graph has no '{value}' labels",
            hint=f"give one of {', '.join(LANGUAGES)}",
        )
    return Term.literal(value.lower() if param.type is ParamType.LANGUAGE else value)


def accepted_values(param: Param) -> tuple[str, ...]:
    """The values a parameter accepts when they are few (a language: kk, en, ru), else ()."""
    return LANGUAGES if param.type is ParamType.LANGUAGE else ()


def _iri(name: str, value: str) -> str:
    if value.startswith("<") and value.endswith(">"):
        iri: str | None = value[1:-1]
    else:
        iri = expand(value) or (value if _ABSOLUTE_IRI.match(value) else None)
    prefixed = _PREFIXED_NAME.match(value)
    if iri is None and prefixed and not _ABSOLUTE_IRI.match(value):
        from sdgkg.namespaces import PREFIXES

        raise QueryError(
            f"parameter {name}: unknown prefix '{prefixed.group(1) or ''}' in '{value}'",
            hint=f"known prefixes: {', '.join(sorted(PREFIXES))}; or give the full <IRI>",
        )
    if iri is None or not _ABSOLUTE_IRI.match(iri):
        raise QueryError(
            f"parameter {name}: '{value}' is not an IRI",
            hint="give <https://...>, https://... or a prefixed name like kg:centre",
        )
    return iri


def run_query(
    query: str | NamedQuery,
    params: Mapping[str, str] | None = None,
    root: str | os.PathLike[str] | None = None,
    engine: Engine | None = None,
    limits: QueryLimits | None = None,
) -> QueryResult:
    """Resolve a query (name, .rq path or SPARQL), screen it, bind its parameters and run it
    within `limits` (default: none)."""
    named = query if isinstance(query, NamedQuery) else resolve_query(query, root)
    bindings = bind_params(named, params or {})
    limits = limits or QueryLimits(None, None)
    if engine is None:
        from sdgkg.graph import graph_names  # only the embedded engine loads
        from sdgkg.index import query_store  # the persistent index for large graphs

        data_root = resolve_root(root)
        screen_query(named.text, graph_names(data_root))
        engine = EmbeddedEngine(query_store(data_root), max_rows=limits.max_rows)
    else:
        screen_query(named.text)
    chosen = engine

    def work() -> QueryResult:
        return chosen.query(named.text, bindings)

    return _without_bound(call_with_timeout(work, limits.timeout), set(bindings))


def _without_bound(result: QueryResult, hidden: set[str]) -> QueryResult:
    # Bound variables must be selected to be bound; their constant column is not an answer.
    # An optional parameter left unbound stays a column: it varies like any other variable.
    keep = [i for i, name in enumerate(result.variables) if name not in hidden]
    if result.kind != "select" or len(keep) == len(result.variables):
        return result
    rows = tuple(tuple(row[i] for i in keep) for row in result.rows)
    return replace(result, variables=tuple(result.variables[i] for i in keep), rows=rows)


def without_bound(result: QueryResult, names: Iterable[str]) -> QueryResult:
    """The result without the columns of bound parameters (what `run_query` returns), for
    callers that run the query themselves, such as the server's workers."""
    return _without_bound(result, set(names))
