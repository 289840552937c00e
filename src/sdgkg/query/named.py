"""Named queries (`queries/*.rq` with a `#+` header), parameter binding, and running them.

The header is grlc's (its YAML decorators), so grlc serves the same folder as an API::

    #+ summary: Names of the centre
    #+ description: The centre's names in Kazakh, English and Russian.
    #+ defaults:
    #+   - lang: en
    #+ params:
    #+   - lang: language | Only names in this language tag.

and, as grlc expects, a parameter is a variable named `?_NAME` (given, or its default) or
`?__NAME` (optional: unbound when not given), with an optional `_iri` or `_integer` suffix
for its type. `params` (which grlc ignores) gives each one's TYPE (iri, string, language or
integer) and text. The SELECT clause projects a parameter as `$_NAME`: the same variable, which
the embedded engine needs projected to bind it, and which grlc (replacing `?_NAME` with the
value in the text) leaves alone. A result column of an optional parameter is named NAME.

The older line form is still read: `#+ param: NAME | TYPE | DEFAULT | DESCRIPTION`, where
DEFAULT `-` leaves the variable unbound, `!` makes the parameter required, anything else is
bound when the user gives no value; the variable is then `?NAME`. `title` is read as `summary`.
Other `#+` keys (grlc's `endpoint`, `tags`, `enumerate` ...) are ignored.
TYPE may also be `search`: words, bound as a regular expression (see sdgkg.query.search).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from sdgkg.errors import InputError, QueryError
from sdgkg.namespaces import LANGUAGE_TAG, PREFIXES, XSD, expand
from sdgkg.query.search import search_pattern
from sdgkg.rdfio.terms import Term
from sdgkg.safety.limits import QueryLimits, call_with_timeout
from sdgkg.safety.screen import screen
from sdgkg.store.engine import Dataset, EmbeddedEngine, Engine, QueryResult
from sdgkg.store.graph import graph_names
from sdgkg.store.index import query_source
from sdgkg.store.paths import query_dir

_HEADER = re.compile(r"^#\+\s*([\w-]+)\s*:\s*(.*?)\s*$")
_ITEM = re.compile(r"^#\+\s+-\s*([\w-]+)\s*:\s*(.*?)\s*$")  # `#+   - name: value`
# grlc's parameter variables: ?_name (given) or ?__name (optional), then an optional type.
_GRLC_VARIABLE = re.compile(
    r"\?(?P<optional>__?)(?P<name>[A-Za-z0-9]+)(?:_(?P<type>iri|integer))?\b"
)
_NAME = re.compile(r"^[\w-]+(/[\w-]+)*$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ABSOLUTE_IRI = re.compile(r"^(https?://|urn:|file:|mailto:)[^\s<>\"{}|\\^`]*$")
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
    variable: str = ""  # the query's variable, when it is not NAME (grlc's ?_NAME)

    @property
    def var(self) -> str:
        """The variable the parameter binds."""
        return self.variable or self.name


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

    @property
    def renames(self) -> dict[str, str]:
        """Result columns of parameter variables, named after their parameter."""
        return {p.variable: p.name for p in self.params if p.variable}

    def as_dict(self) -> dict[str, object]:
        """Name, title, description and params, for JSON listings."""
        params = [
            {k: v for k, v in vars(p).items() if k != "variable"} | {"type": p.type.value}
            for p in self.params
        ]
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "params": params,
        }


def parse_query(text: str, name: str, path: Path | None = None) -> NamedQuery:
    """Parse a query text with an optional `#+` header."""
    fields, items = _header(text)
    shown = path.name if path else name
    params = tuple(_parse_param(spec, shown) for spec in fields.get("param", []))
    if not params:
        params = _grlc_params(text, items, shown)
    title = " ".join(fields.get("title", fields.get("summary", [])))
    return NamedQuery(name, title, " ".join(fields.get("description", [])), params, text, path)


def _header(text: str) -> tuple[dict[str, list[str]], dict[str, dict[str, str]]]:
    """The header's `key: value` lines, and its lists of `- name: value` items by key."""
    fields: dict[str, list[str]] = {}
    items: dict[str, dict[str, str]] = {}
    key = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break  # the header ends where the SPARQL starts
        item = _ITEM.match(stripped)
        if item and key:
            items.setdefault(key, {})[item.group(1)] = _unquoted(item.group(2))
            continue
        match = _HEADER.match(stripped)
        if match:
            key = match.group(1).lower()
            if match.group(2):
                fields.setdefault(key, []).append(_unquoted(match.group(2)))
    return fields, items


def _unquoted(value: str) -> str:
    if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _grlc_params(text: str, items: dict[str, dict[str, str]], shown: str) -> tuple[Param, ...]:
    """The parameters of grlc's `?_NAME` variables, typed and described by `params`."""
    found: dict[str, Param] = {}
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    for match in _GRLC_VARIABLE.finditer(body):
        name = match.group("name")
        if name in found:
            continue
        kind, _, description = items.get("params", {}).get(name, "").partition("|")
        kind = kind.strip() or {"iri": "iri", "integer": "integer"}.get(
            match.group("type") or "", ""
        )
        default = items.get("defaults", {}).get(name)
        optional = match.group("optional") == "__"
        spec = " | ".join(
            [name, kind or "string", "-" if optional else default or "!", description.strip()]
        )
        found[name] = replace(_parse_param(spec, shown), variable=match.group(0)[1:])
    return tuple(found.values())


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


def list_queries(root: Path) -> list[NamedQuery]:
    """Every named query under queries/, checks included as `checks/NAME`, sorted by name."""
    folder = query_dir(root)
    files = sorted(folder.rglob("*.rq")) if folder.is_dir() else []
    return [_load(path, _query_name(folder, path)) for path in files]


def _query_name(folder: Path, path: Path) -> str:
    return path.relative_to(folder).with_suffix("").as_posix()


def _load(path: Path, name: str) -> NamedQuery:
    try:
        return parse_query(path.read_text(encoding="utf-8"), name, path)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read query ({exc})") from None


def resolve_query(arg: str, root: Path | None) -> NamedQuery:
    """A query from a NAME in queries/, a path to a .rq file, or literal SPARQL text."""
    if arg.endswith(".rq"):
        if not Path(arg).is_file():
            raise InputError(f"{arg}: no such query file")
        return _load(Path(arg), Path(arg).stem)
    if _NAME.match(arg):
        if root is None:
            raise QueryError(f"unknown query '{arg}'", hint="a named query needs the data root")
        return _named(arg, list_queries(root))
    if "{" not in arg and Path(arg).is_file():
        return _load(Path(arg), Path(arg).stem)
    return parse_query(arg, "<sparql>")


def is_query_name(text: str) -> bool:
    """Whether `text` is read as the NAME of a query in queries/ (not a file, not SPARQL)."""
    return not text.endswith(".rq") and bool(_NAME.match(text))


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
            bound[param.var] = _typed_term(param, value)
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
        return Term.literal(search_pattern(value))
    if param.type is ParamType.LANGUAGE and not LANGUAGE_TAG.match(value):
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
    root: Path | None = None,
    engine: Engine | None = None,
    limits: QueryLimits | None = None,
    all_graphs: bool = False,
) -> QueryResult:
    """Resolve a query (name, .rq path or SPARQL), screen it, bind its parameters and run it
    within `limits` (default: none), on `engine` or else on the graph at `root`, whose default
    graph is the curated graphs (`sdgkg.store.datasets`), or every graph with `all_graphs`."""
    named = query if isinstance(query, NamedQuery) else resolve_query(query, root)
    bindings = bind_params(named, params or {})
    limits = limits or QueryLimits(None, None)
    if engine is None:
        if root is None:
            raise QueryError("no graph to query", hint="give the data root or an engine")
        work = _embedded_work(named.text, bindings, root, limits, all_graphs)
    elif all_graphs:
        raise QueryError(
            "all_graphs applies to the embedded graph only",
            hint="a server's default graph is what the server makes it",
        )
    else:
        work = _remote_work(named.text, bindings, engine)

    result = call_with_timeout(work, limits.timeout)
    return _without_bound(result, set(bindings), named.renames)


# Each query is screened inside the time limit, and the engine runs the very text that was
# screened (`sdgkg.safety.screen`).


def _embedded_work(
    text: str, bindings: Mapping[str, Term], root: Path, limits: QueryLimits, all_graphs: bool
) -> Callable[[], QueryResult]:
    names, (store, curated_copy) = graph_names(root), query_source(root)

    def work() -> QueryResult:
        screened = screen(text, names)
        # A FROM clause is never widened to the default graphs.
        dataset = Dataset(in_query=screened.names_dataset)
        engine = EmbeddedEngine(
            store, limits.max_rows, all_graphs=all_graphs, curated_copy=curated_copy
        )
        return engine.query(screened.text, bindings, dataset)

    return work


def _remote_work(
    text: str, bindings: Mapping[str, Term], engine: Engine
) -> Callable[[], QueryResult]:
    def work() -> QueryResult:
        return engine.query(screen(text).text, bindings)

    return work


def _without_bound(
    result: QueryResult, hidden: set[str], renames: Mapping[str, str] | None = None
) -> QueryResult:
    # Bound variables must be selected to be bound; their constant column is not an answer.
    # An optional parameter left unbound stays a column: it varies like any other variable
    # (named after its parameter, not grlc's ?__NAME).
    if result.kind != "select" or not (hidden or renames):
        return result
    keep = [i for i, name in enumerate(result.variables) if name not in hidden]
    names = tuple((renames or {}).get(result.variables[i], result.variables[i]) for i in keep)
    if len(keep) == len(result.variables):
        return result if names == result.variables else replace(result, variables=names)
    rows = tuple(tuple(row[i] for i in keep) for row in result.rows)
    return replace(result, variables=names, rows=rows)


def without_bound(
    result: QueryResult, names: Iterable[str], renames: Mapping[str, str] | None = None
) -> QueryResult:
    """The result without the columns of bound parameters (what `run_query` returns), for
    callers that run the query themselves, such as the server's workers."""
    return _without_bound(result, set(names), renames)
