"""The read-only service: routes, the SPARQL endpoint's common path, and the pages.

`Site.respond` turns one request into one `Response`; it knows nothing of sockets, so the HTTP
layer (`sdgkg.server.http`) stays thin. User queries run in killable workers (time limit)
with a row limit; successful answers are cached, since the graph cannot change while the
server runs.
"""

from __future__ import annotations

import threading
import traceback
import urllib.parse
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from sdgkg.errors import QueryError, SdgkgError
from sdgkg.namespaces import PREFIXES
from sdgkg.query.named import NamedQuery, bind_params
from sdgkg.query.results import ResultFormat, render
from sdgkg.rdfio.serialize import to_jsonld, to_turtle
from sdgkg.safety.sandbox import DEFAULT_MAX_MEMORY
from sdgkg.server import pages
from sdgkg.server.evaluate import Job, ResultTooLarge, evaluate
from sdgkg.server.linkeddata import describe, resource_page
from sdgkg.server.ontology import ontology_page, ontology_terms
from sdgkg.server.pages import Labels, esc
from sdgkg.server.protocol import (
    GRAPH_OFFER,
    HTML,
    PLAIN,
    TABULAR_OFFER,
    HttpError,
    content_type,
    is_iri,
    negotiate,
    read_request,
)
from sdgkg.server.workers import WorkerCrashed, WorkerPool, WorkerTimeout, default_workers
from sdgkg.store.engine import QueryResult

STATIC = Path(__file__).resolve().parent / "static"
CENTRE = PREFIXES["kg"] + "centre"


@dataclass(frozen=True)
class Limits:
    """What one query may cost: seconds of evaluation and rows (or triples) of result."""

    timeout: float = 10.0
    max_rows: int = 10_000
    max_memory: int | None = DEFAULT_MAX_MEMORY  # bytes of data a query worker may hold


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query_string: str = ""
    accept: str = ""
    content_type: str = ""
    body: bytes = b""


@dataclass(frozen=True)
class _Work:
    """A job for a worker: the query job and how the client wants the answer."""

    job: Job
    accept: str
    forced_format: str | None


@dataclass(frozen=True)
class _Rendered:
    content_type: str
    body: bytes


class Site:
    """Everything the service answers, over one loaded store."""

    def __init__(
        self,
        store: ox.Store,
        queries: list[NamedQuery],
        jsonld_context: dict[str, Any],
        limits: Limits = Limits(),
        workers: int | None = None,
        ontology_turtle: bytes = b"",
    ) -> None:
        self.store = store
        self.queries = {q.name: q for q in queries if not q.name.startswith("checks/")}
        self.context = jsonld_context
        self.limits = limits
        self.labels = _all_labels(store)
        self.ontology_turtle = ontology_turtle
        self._cache = _ResponseCache()
        # Fork the workers now, while this process has a single thread.
        self.pool = WorkerPool(
            self._work, size=workers or default_workers(), max_memory=limits.max_memory
        )

    def close(self) -> None:
        self.pool.close()

    # -- the common path: a SPARQL protocol request ------------------------------------------

    def sparql(self, request: Request) -> Response:
        # Keyed by the raw request: a repeated request skips even the URL decoding (a third
        # of the time of a cached answer); it was checked when it was first answered.
        key = (request.method, request.query_string, request.content_type, request.body)
        cached = self._cache.get((*key, request.accept))
        if cached is not None:
            return cached
        asked = read_request(*key)
        check_query(asked.sparql)
        job = Job(asked.sparql, dataset=asked.dataset, max_rows=self.limits.max_rows)
        reply = self._run(_Work(job, request.accept, asked.forced_format))
        if isinstance(reply, QueryResult):
            return _html(self._results_page(asked.sparql, reply, self._labels(request)))
        response = Response(200, reply.content_type, reply.body)
        self._cache.put((*key, request.accept), response)
        return response

    def _run(self, work: _Work) -> QueryResult | _Rendered:
        try:
            return self.pool.run(work, self.limits.timeout)
        except WorkerTimeout as exc:
            raise HttpError(
                503,
                f"query stopped: {exc} (the server's time limit)",
                hint="make the query cheaper, or start the server with a larger --timeout",
            ) from None
        except WorkerCrashed as exc:  # out of its memory limit, or a crash: not the client's
            raise HttpError(
                503,
                f"{exc} (it may have reached the server's memory limit)",
                hint="make the query cheaper",
            ) from None
        except ResultTooLarge as exc:
            raise HttpError(422, exc.message, exc.hint) from None
        except SdgkgError as exc:
            raise HttpError(400, exc.message, exc.hint) from None

    def _results_page(self, sparql: str, result: QueryResult, labels: Labels) -> bytes:
        body = (
            "<h1>Query results</h1>"
            + pages.results_table(result, labels)
            + pages.downloads("/sparql", {"query": sparql}, result.kind)
            + pages.query_box(sparql)
        )
        return pages.layout("Query results", body, labels)

    def _work(self, work: _Work) -> QueryResult | _Rendered:
        """Runs in a worker process: evaluate, negotiate, render."""
        result = evaluate(self.store, work.job)
        offered = GRAPH_OFFER if result.kind == "graph" else TABULAR_OFFER
        fmt = work.forced_format or negotiate(work.accept, offered)
        if fmt not in offered:
            names = ", ".join(offered)
            raise HttpError(406, f"no acceptable format for this result; it can be {names}")
        if fmt == HTML:
            return result
        return _Rendered(content_type(fmt), render(result, ResultFormat(fmt), self.context))

    # -- pages --------------------------------------------------------------------------------

    def respond(self, request: Request) -> Response:
        """The response to any request (errors included)."""
        try:
            return self._route(request)
        except HttpError as exc:
            return self.error(request, exc.status, exc.message, exc.hint)
        except QueryError as exc:
            return self.error(request, 400, exc.message, exc.hint)
        except Exception as exc:  # a bug: answer 500 and keep serving, with the trace logged
            traceback.print_exc()
            return self.error(request, 500, f"internal error ({type(exc).__name__})", None)

    def _route(self, request: Request) -> Response:
        path = request.path
        if path == "/sparql":
            return self.sparql(request)
        if request.method not in ("GET", "HEAD"):
            raise HttpError(405, f"{request.method} is not allowed here", hint="use GET")
        if path == "/":
            return _html(self._home(self._labels(request)))
        if path.startswith("/queries/"):
            return self._named(request, path[len("/queries/") :])
        if path.startswith(pages.ID_PATH):
            return self._resource(request)
        if path in ("/ontology", "/ontology.html"):
            return _html(ontology_page(ontology_terms(self.store), self._labels(request)))
        if path == "/ontology.ttl":
            return Response(200, content_type(ResultFormat.TURTLE), self.ontology_turtle)
        if path == "/static/style.css":
            return Response(200, "text/css; charset=utf-8", (STATIC / "style.css").read_bytes())
        raise HttpError(404, f"nothing at {path}", hint="start from the home page, /")

    def _labels(self, request: Request) -> Labels:
        lang = _param(request, "lang")
        pairs = urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
        kept = urllib.parse.urlencode([(k, v) for k, v in pairs if k != "lang"])
        return Labels(self.labels, lang if lang in pages.LANGUAGES else "en", kept)

    def _home(self, labels: Labels) -> bytes:
        summary = ""
        query = self.queries.get("centre-profile")
        if query is not None:
            values = {"lang": labels.lang} if any(p.name == "lang" for p in query.params) else {}
            job = Job(query.text, bind_params(query, values), max_rows=self.limits.max_rows)
            summary = pages.results_table(evaluate(self.store, job), labels)
        names = self.labels.get(CENTRE, {})
        heading = esc(names.get(labels.lang) or names.get("en") or "sdgkg")
        listing = "".join(
            f'<section class="query"><h3>{esc(q.title or q.name)} <small><code>{esc(q.name)}</code>'
            f"</small></h3><p>{esc(q.description)}</p>"
            f"{pages.query_form(q, _page_language(q, labels))}</section>"
            for q in self.queries.values()
        )
        body = (
            f"<h1>{heading}</h1>"
            f'<p class="lead">{pages.iri_html(CENTRE, labels)}: its page shows every fact with '
            "the sentence of the source that supports it.</p>"
            f"<h2>Profile</h2>{summary}"
            f"<h2>Named queries</h2>{listing}"
            f"<h2>SPARQL</h2>{pages.query_box()}"
        )
        return pages.layout("Home", body, labels)

    def _named(self, request: Request, name: str) -> Response:
        query = self.queries.get(urllib.parse.unquote(name))
        if query is None:
            raise HttpError(404, f"no named query '{name}'", hint="the home page lists them")
        values = _query_values(query, request)
        bindings = bind_params(query, values)
        forced = _param(request, "format")
        job = Job(query.text, bindings=bindings, max_rows=self.limits.max_rows)
        reply = self._run(_Work(job, "text/html", forced))
        if isinstance(reply, _Rendered):
            extension = {"turtle": "ttl", "jsonld": "jsonld", "nt": "nt"}.get(forced or "", forced)
            disposition = f'attachment; filename="{query.name}.{extension}"'
            return Response(
                200, reply.content_type, reply.body, {"Content-Disposition": disposition}
            )
        labels = self._labels(request)
        body = (
            f"<h1>{esc(query.title or query.name)}</h1><p>{esc(query.description)}</p>"
            f"{pages.query_form(query, values)}"
            + pages.results_table(reply, labels)
            + pages.downloads(f"/queries/{query.name}", values, reply.kind)
        )
        return _html(pages.layout(query.title or query.name, body, labels))

    def _resource(self, request: Request) -> Response:
        path, fmt = _strip_extension(request.path)
        if fmt is None:
            fmt = negotiate(request.accept, (HTML, ResultFormat.TURTLE, ResultFormat.JSONLD))
        if fmt is None:
            raise HttpError(
                406, "this resource is available as text/html, text/turtle or application/ld+json"
            )
        iri = pages.iri_for_path(path)
        if not is_iri(iri):  # a space, a '<', bytes that are not UTF-8: no such resource
            raise HttpError(404, f"no resource is named {path!r}")
        description = describe(self.store, iri, self.limits.max_rows)
        if not description.exists:
            raise HttpError(404, f"the graph has nothing about {pages.iri_for_path(path)}")
        if fmt == HTML:
            return _html(resource_page(description, self._labels(request)))
        triples = list(description.triples())
        if fmt == ResultFormat.TURTLE:
            return Response(200, content_type(fmt), to_turtle(triples))
        return Response(200, content_type(fmt), to_jsonld(triples, self.context))

    def error(self, request: Request, status: int, message: str, hint: str | None) -> Response:
        """An error as a page for browsers, as `Error: ...` text for programs."""
        headers = {"Allow": "GET, POST"} if status == 405 else {}
        if negotiate(request.accept, (PLAIN, HTML)) == HTML:
            page = pages.error_page(status, message, hint, self._labels(request))
            return Response(status, content_type(HTML), page, headers)
        text = f"Error: {message}\n" + (f"Hint: {hint}\n" if hint else "")
        return Response(status, "text/plain; charset=utf-8", text.encode("utf-8"), headers)


def check_query(sparql: str) -> None:
    """The one place where the server checks a query before it is evaluated.

    Updates cannot run here: evaluation only accepts queries (an update is a parse error) and
    the protocol layer refuses update requests. The shared query screen (no SERVICE, no FROM of
    graphs outside the graph's own, no LOAD) belongs in this function.
    """
    if len(sparql) > 100_000:
        raise HttpError(400, "the query is longer than 100000 characters")


def _query_values(query: NamedQuery, request: Request) -> dict[str, str]:
    """The named query's parameters from the URL: empty fields are left to their defaults,
    `format` picks a download, and `lang` only sets the page language unless it is a parameter."""
    declared = {param.name for param in query.params}
    found = urllib.parse.parse_qs(request.query_string)
    return {
        key: values[-1]
        for key, values in found.items()
        if values[-1] != "" and key != "format" and (key != "lang" or key in declared)
    }


def _page_language(query: NamedQuery, labels: Labels) -> dict[str, str]:
    """Fill a form's lang with the page's language where lang has a default (an optional
    lang, left empty, means every language)."""
    has_default = any(p.name == "lang" and p.default is not None for p in query.params)
    return {"lang": labels.lang} if has_default else {}


def _html(page: bytes) -> Response:
    return Response(200, content_type(HTML), page)


def _param(request: Request, name: str) -> str | None:
    values = urllib.parse.parse_qs(request.query_string).get(name)
    return values[-1] if values else None


def _strip_extension(path: str) -> tuple[str, str | None]:
    for extension, fmt in (
        (".ttl", ResultFormat.TURTLE),
        (".jsonld", ResultFormat.JSONLD),
        (".html", HTML),
    ):
        if path.endswith(extension):
            return path[: -len(extension)], str(fmt)
    return path, None


def _all_labels(store: ox.Store) -> dict[str, dict[str, str]]:
    """skos:prefLabel (else rdfs:label) of every resource, by language, read once at start."""
    found: dict[str, dict[str, str]] = {}
    for predicate in (PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel"):
        for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None):
            literal = quad.object
            if isinstance(literal, ox.Literal) and isinstance(quad.subject, ox.NamedNode):
                found.setdefault(quad.subject.value, {})[literal.language or ""] = literal.value
    return found


class _ResponseCache:
    """A small LRU of successful SPARQL answers (the graph is fixed while the server runs)."""

    def __init__(self, entries: int = 256, largest: int = 1 << 20) -> None:
        self._items: OrderedDict[object, Response] = OrderedDict()
        self._entries = entries
        self._largest = largest
        self._lock = threading.Lock()

    def get(self, key: object) -> Response | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: object, response: Response) -> None:
        if len(response.body) > self._largest:
            return
        with self._lock:
            self._items[key] = response
            if len(self._items) > self._entries:
                self._items.popitem(last=False)
