"""Remote SPARQL servers: run queries through the SPARQL 1.1 Protocol, push the graph with the
Graph Store Protocol, with credentials when the server asks (sdgkg.store.credentials).

The embedded engine predeclares the project prefixes, reads the union of the curated named
graphs as its default graph (`sdgkg.store.datasets`) and binds parameters through pyoxigraph
substitutions. A remote server does none of that, so `RemoteEngine` makes the query say it: it
declares the missing prefixes, binds parameters with a VALUES block at the start of the WHERE
group (built from escaped terms, never pasted user text), and asks for `default_graph` as the
default graph when one is given.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from sdgkg.errors import InputError, QueryError
from sdgkg.namespaces import GRAPH_BASE, LANGUAGE_TAG, PREFIXES
from sdgkg.rdfio.terms import Term, from_oxigraph
from sdgkg.safety.sparql_lexer import tokens
from sdgkg.store.credentials import Answerer, first_authorization, opener_for, refused_hint
from sdgkg.store.engine import QueryResult, Row

# The named graph `push_graph` writes the whole graph into when it is given no graph (`push`
# without --graph writes each file into its own named graph: `push_graphs`).
PUSH_GRAPH = GRAPH_BASE + "all"
DEFAULT_TIMEOUT = 60

_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)
_SAFE_IRI = re.compile(r"^[^\s<>\"{}|^`\\]+$")


@dataclass(frozen=True)
class _Token:
    kind: str  # word, var or brace: what finding the projection and the WHERE group needs
    text: str
    start: int


def _tokens(sparql: str) -> list[_Token]:
    # The query screen's lexer: strings, IRIs, prefixed names and comments hide nothing.
    kinds = {"word": "word", "var": "var"}
    found = []
    for token in tokens(sparql):
        kind = "brace" if token.kind == "punct" and token.text in "{}" else kinds.get(token.kind)
        if kind is not None:
            found.append(_Token(kind, token.text, token.start))
    return found


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword outside strings and IRIs."""
    for token in _tokens(sparql):
        if token.kind == "word" and token.text.upper() in _FORMS:
            return token.text.upper()
    raise QueryError("invalid SPARQL: no SELECT, ASK, CONSTRUCT or DESCRIBE found")


def with_prefixes(sparql: str) -> str:
    """The query with a PREFIX line for every project prefix it does not declare itself."""
    declared = {match.group(1) or "" for match in _PREFIX_DECL.finditer(sparql)}
    missing = [f"PREFIX {name}: <{iri}>" for name, iri in PREFIXES.items() if name not in declared]
    # On one line, so a server's error position is off by one line only.
    return " ".join(missing) + "\n" + sparql if missing else sparql


def bind_values(sparql: str, bindings: Mapping[str, Term]) -> str:
    """Bind variables the way the embedded engine does: only variables the SELECT clause
    projects, by a one-row VALUES block opening the WHERE group."""
    if not bindings:
        return sparql
    tokens = _tokens(sparql)
    projected, group = _projection_and_group(tokens)
    for name in bindings:
        if projected is None or ("*" not in projected and f"?{name}" not in projected):
            raise QueryError(
                f"cannot bind ?{name}: the query does not select it",
                hint="a bound variable must appear in the SELECT clause (or use SELECT *)",
            )
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(_safe_n3(term) for term in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }} "
    return sparql[: group + 1] + block + sparql[group + 1 :]


def _projection_and_group(tokens: list[_Token]) -> tuple[set[str] | None, int]:
    """The variables of the top-level SELECT clause (None for other forms; "*" for SELECT *)
    and the offset of the `{` that opens the WHERE group."""
    form_at = next(
        (i for i, t in enumerate(tokens) if t.kind == "word" and t.text.upper() in _FORMS), None
    )
    if form_at is None:
        raise QueryError("invalid SPARQL: no SELECT, ASK, CONSTRUCT or DESCRIBE found")
    form = tokens[form_at].text.upper()
    after = tokens[form_at + 1 :]
    if form == "CONSTRUCT":
        where = next((i for i, t in enumerate(after) if t.text.upper() == "WHERE"), None)
        after = after[where + 1 :] if where is not None else after
    brace = next((t for t in after if t.text == "{"), None)
    if brace is None:
        raise QueryError("invalid SPARQL: the query has no WHERE group")
    if form != "SELECT":
        return None, brace.start
    # SELECT * has no variable before the group (`*` itself is not a token here).
    projected = {"?" + t.text[1:] for t in after if t.start < brace.start and t.kind == "var"}
    return projected or {"*"}, brace.start


def _safe_n3(term: Term) -> str:
    """The term in SPARQL syntax, refusing anything that could break out of it."""
    if term.kind == "iri" and _SAFE_IRI.match(term.value):
        return f"<{term.value}>"
    if term.kind == "literal":
        if term.language and not LANGUAGE_TAG.match(term.language):
            raise QueryError(f"cannot bind the language tag '{term.language}'")
        if term.datatype and not _SAFE_IRI.match(term.datatype):
            raise QueryError(f"cannot bind a literal with the datatype '{term.datatype}'")
        return term.n3()  # escapes backslash, quote and line breaks
    raise QueryError(f"cannot bind the {term.kind} {term.value!r} on a remote endpoint")


class RemoteEngine:
    """Answers queries from a SPARQL 1.1 endpoint, with the embedded engine's conventions."""

    def __init__(
        self, endpoint: str, default_graph: str | None = None, timeout: int = DEFAULT_TIMEOUT
    ) -> None:
        self.endpoint = _checked_url(endpoint)
        self.default_graph = default_graph
        self.timeout = timeout

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        text = bind_values(with_prefixes(sparql), bindings or {})
        form = query_form(text)
        body = self._fetch(text, graph=form in ("CONSTRUCT", "DESCRIBE"))
        if form in ("CONSTRUCT", "DESCRIBE"):
            return _graph_result(body, self.endpoint)
        return _tabular_result(body, self.endpoint)

    def _fetch(self, text: str, graph: bool) -> bytes:
        """POST the query (SPARQL 1.1 Protocol, form-encoded), answering an HTTP Basic or
        Digest challenge with the credentials for the server (sdgkg.store.credentials)."""
        form = [("query", text)]
        if self.default_graph:
            form.append(("default-graph-uri", self.default_graph))
        accept = "text/turtle" if graph else "application/sparql-results+json"
        request = urllib.request.Request(
            self.endpoint,
            data=urllib.parse.urlencode(form).encode("utf-8"),
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )
        try:
            with opener_for(self.endpoint).open(request, timeout=self.timeout) as response:
                body: bytes = response.read()
                return body
        except urllib.error.HTTPError as exc:
            raise _refused(self.endpoint, exc, "the query") from None
        except ValueError as exc:  # urllib: a challenge other than Basic or Digest
            message = f"{self.endpoint} asks for an authentication sdgkg lacks: {exc}"
            raise QueryError(message) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise QueryError(
                f"cannot reach {self.endpoint} ({reason})",
                hint="is the SPARQL server running at that URL?",
            ) from None

    def looks_empty(self) -> bool:
        """Whether the graph this engine reads has no triple at all."""
        return not self.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1").rows


def _refused(endpoint: str, exc: urllib.error.HTTPError, what: str) -> QueryError:
    """One line for an HTTP error: the server's own message, or what to do about credentials."""
    if exc.code in (401, 403):
        why = "needs credentials" if exc.code == 401 else "does not allow it"
        return QueryError(
            f"{endpoint} refused {what}: HTTP {exc.code} {exc.reason} ({why})",
            hint=refused_hint(endpoint),
        )
    try:
        detail = " ".join(exc.read(2000).decode("utf-8", "replace").split())
    except OSError:
        detail = ""
    message = f"{endpoint} refused {what}: HTTP {exc.code} {exc.reason}"
    return QueryError(f"{message}: {detail[:300]}" if detail else message)


def _tabular_result(body: bytes, endpoint: str) -> QueryResult:
    try:
        document = json.loads(body)
    except ValueError:
        raise QueryError(f"{endpoint} did not answer with SPARQL JSON results") from None
    if "boolean" in document:
        return QueryResult("ask", boolean=bool(document["boolean"]))
    names = tuple(document.get("head", {}).get("vars", []))
    bindings = document.get("results", {}).get("bindings", [])
    rows = tuple(_json_row(binding, names) for binding in bindings)
    return QueryResult("select", variables=names, rows=rows)


def _json_row(binding: dict[str, dict[str, str]], names: tuple[str, ...]) -> Row:
    return tuple(_json_term(binding[name]) if name in binding else None for name in names)


def _json_term(value: dict[str, str]) -> Term:
    kind = value.get("type")
    if kind == "uri":
        return Term.iri(value["value"])
    if kind == "bnode":
        return Term("bnode", value["value"])
    datatype = value.get("datatype")
    if datatype == _XSD_BOOLEAN:  # Virtuoso writes 1 and 0: the same values as true and false
        return Term.literal(_BOOLEAN.get(value["value"], value["value"]), datatype)
    return Term.literal(value["value"], datatype, value.get("xml:lang"))


_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_BOOLEAN = {"1": "true", "0": "false"}  # the canonical forms of xsd:boolean


def _graph_result(body: bytes, endpoint: str) -> QueryResult:
    try:
        parsed = ox.parse(body, format=ox.RdfFormat.TURTLE)
        triples = dict.fromkeys(
            (from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object))
            for t in parsed
        )
    except SyntaxError as exc:
        raise QueryError(f"{endpoint} answered with Turtle that does not parse ({exc})") from None
    return QueryResult("graph", triples=tuple(triples))


def _checked_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"'{url}' is not an http(s) URL", hint="e.g. http://localhost:7878/query")
    return url


@dataclass(frozen=True)
class PushReport:
    graph: str  # <IRI>, "the default graph" or how many named graphs
    triples: int


def push_graph(
    endpoint: str, data: bytes, graph: str | None = None, timeout: int = DEFAULT_TIMEOUT
) -> PushReport:
    """Replace `graph` (default PUSH_GRAPH; "default" for the default graph) on a Graph Store
    Protocol endpoint with `data` (N-Triples, the whole graph as `export_graph` writes it), in
    one PUT, so the server swaps it in one step."""
    graph = graph or PUSH_GRAPH
    url = _graph_url(_checked_url(endpoint), graph)
    try:
        _put(url, data, timeout)
    except urllib.error.HTTPError as exc:
        refused = _refused(endpoint, exc, "the graph")
        raise InputError(refused.message, refused.hint) from None
    except (http.client.HTTPException, OSError) as exc:
        raise InputError(
            f"cannot reach {endpoint} ({exc})", hint="is the graph store running at that URL?"
        ) from None
    shown = "the default graph" if graph == "default" else f"<{graph}>"
    return PushReport(shown, data.count(b"\n"))


def _put(url: str, data: bytes, timeout: int) -> None:
    """PUT `data` to `url`, with credentials where the server asks for them."""
    headers = {"Content-Type": "application/n-triples"}
    authorization = _authorization(url, timeout)
    if authorization:
        headers["Authorization"] = authorization
    status, reason, replied = _send("PUT", url, headers, data, timeout)
    challenge = replied.get("WWW-Authenticate") if status == 401 else None
    if challenge and not authorization:  # a server that asks for credentials to write only
        authorization = Answerer(url).answer(challenge, "PUT")
        if authorization:
            headers["Authorization"] = authorization
            status, reason, replied = _send("PUT", url, headers, data, timeout)
    _refuse_failure(url, status, reason, replied)


def _authorization(url: str, timeout: int) -> str | None:
    """The Authorization header for a PUT to `url`, found before the body is sent: a server
    that asks for credentials refuses the first PUT and may close the connection while the
    body is still being sent (a broken pipe instead of its 401), so a HEAD asks first, and a
    second HEAD checks the answer, so that wrong credentials are reported as the server's 401."""
    first = first_authorization(url)
    if first:
        return first
    status, reason, headers = _send("HEAD", url, {}, None, timeout)
    challenge = headers.get("WWW-Authenticate") if status == 401 else None
    if not challenge:
        return None
    answerer = Answerer(url)
    answer = answerer.answer(challenge, "HEAD")
    if answer is None:
        _refuse_failure(url, status, reason, headers)
    else:
        checked = _send("HEAD", url, {"Authorization": answer}, None, timeout)
        _refuse_failure(url, *checked, passing=_HEAD_NOT_SERVED)
    return answerer.answer(challenge, "PUT")


def _send(
    method: str, url: str, headers: Mapping[str, str], body: bytes | None, timeout: int
) -> tuple[int, str, http.client.HTTPMessage]:
    """One request on a connection of its own: the status, reason and headers of the answer.
    A server may answer before it has read the body (a refusal) and close the connection: the
    answer is then read all the same."""
    parts = urllib.parse.urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname or "", parts.port, timeout=timeout)
    try:
        connection.putrequest(method, parts.path + (f"?{parts.query}" if parts.query else ""))
        for name, value in headers.items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders()
        if body:
            # A server that answers early closes the connection: its answer says why.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                connection.send(body)
        response = connection.getresponse()
        response.read()
        return response.status, response.reason, response.headers
    finally:
        connection.close()


_HEAD_NOT_SERVED = (404, 405, 501)  # no such graph yet, or no HEAD: the credentials passed


def _refuse_failure(
    url: str,
    status: int,
    reason: str,
    headers: http.client.HTTPMessage,
    passing: tuple[int, ...] = (),
) -> None:
    """Raise the HTTP error of a failed answer (4xx or 5xx, other than the `passing` ones)."""
    if status >= 400 and status not in passing:
        raise urllib.error.HTTPError(url, status, reason, headers, None)


def push_graphs(
    endpoint: str, graphs: Mapping[str, bytes], timeout: int = DEFAULT_TIMEOUT
) -> PushReport:
    """Replace each named graph of `graphs` (IRI -> N-Triples: one per data file, as the
    embedded store holds them) on a Graph Store Protocol endpoint, one PUT each, so the
    evidence and the candidates stay in graphs of their own there too. Each graph is swapped
    in one step; a reader during the push may see some files new and others still old."""
    triples = sum(push_graph(endpoint, data, iri, timeout).triples for iri, data in graphs.items())
    return PushReport(f"{len(graphs)} named graphs, one per file,", triples)


def _graph_url(endpoint: str, graph: str) -> str:
    if graph == "default":
        parameter = "default"
    elif _SAFE_IRI.match(graph) and re.match(r"^[a-z][a-z0-9+.-]*:", graph, re.IGNORECASE):
        parameter = "graph=" + urllib.parse.quote(graph, safe="")
    else:
        raise InputError(f"'{graph}' is not an absolute IRI", hint="or write --graph default")
    return endpoint + ("&" if "?" in endpoint else "?") + parameter


def remote_engine(endpoint: str | None, graph: str | None = None) -> RemoteEngine:
    """The engine for `query --endpoint URL [--graph IRI]`."""
    if not endpoint:
        raise InputError("--graph only applies with --endpoint", hint="add --endpoint URL")
    return RemoteEngine(endpoint, default_graph=graph)
