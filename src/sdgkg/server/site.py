"""The read-only service: routes, the SPARQL endpoint's common path, and the pages.

`Site.respond` turns one request into one `Response`; it knows nothing of sockets, so the HTTP
layer (`sdgkg.server.http`) stays thin. User queries run in killable workers (time limit)
with a row limit; successful answers are cached, since the graph cannot change while the
server runs.
"""

from __future__ import annotations

import functools
import threading
import traceback
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from sdgkg.errors import (
    HttpError,
    QueryError,
    ResultTooLarge,
    SdgkgError,
    SparqlSyntaxError,
    WorkerCrashed,
    WorkerTimeout,
    error_lines,
)
from sdgkg.formats import ResultFormat
from sdgkg.namespaces import PREFIXES
from sdgkg.query.named import NamedQuery, bind_params
from sdgkg.query.results import render
from sdgkg.rdfio.serialize import to_jsonld, to_turtle
from sdgkg.rdfio.terms import Term, to_triple
from sdgkg.safety.limits import SERVER_LIMITS, QueryLimits
from sdgkg.server.conditional import (
    accepts_gzip,
    encoded,
    http_date,
    not_modified,
    with_validators,
)
from sdgkg.server.documents import (
    DOCUMENT_PREFIXES,
    service_description,
    void_description,
    write_graph,
)
from sdgkg.server.evaluate import Job, Page, engine_for, evaluate, finish, read_page, start
from sdgkg.server.linkeddata import describe, resource_page
from sdgkg.server.messages import Request, Response
from sdgkg.server.ontology import ontology_page, ontology_terms
from sdgkg.server.pages import (
    ID_PATH,
    Labels,
    Pager,
    graph_languages,
    iri_for_path,
    query_url,
    read_pager,
)
from sdgkg.server.protocol import (
    DOCUMENT_OFFER,
    GRAPH_ALIASES,
    GRAPH_OFFER,
    HTML,
    PLAIN,
    TABULAR_OFFER,
    content_type,
    is_iri,
    negotiate,
    read_request,
)
from sdgkg.server.templating import render_page
from sdgkg.server.workers import WorkerPool, default_workers
from sdgkg.store.remote import bind_values

STATIC = Path(__file__).resolve().parent / "static"
CENTRE = PREFIXES["kg"] + "centre"
# The ontology is first a page (as /id/ resources are); the service's documents are data.
ONTOLOGY_OFFER = (HTML, *DOCUMENT_OFFER[:-1])
VARY = {"Vary": "Accept"}  # on every answer chosen by content negotiation
EXAMPLE_QUERY = "SELECT ?p ?o WHERE { kg:centre ?p ?o } LIMIT 20"
DOWNLOAD_EXTENSIONS = {"turtle": "ttl", "jsonld": "jsonld", "nt": "nt", "rdfxml": "rdf"}
STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
# Documents about the graph, by path extension (the extensionless path negotiates).
EXTENSIONS = {
    ".ttl": str(ResultFormat.TURTLE),
    ".jsonld": str(ResultFormat.JSONLD),
    ".nt": str(ResultFormat.NT),
    ".rdf": "rdfxml",
    ".html": HTML,
}


@dataclass(frozen=True)
class _Work:
    """A job for a worker: the query job and how the client wants the answer."""

    job: Job
    accept: str
    forced_format: str | None
    pager: Pager | None = None  # which page a person asked for (HTML answers only)


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
        limits: QueryLimits = SERVER_LIMITS,
        workers: int | None = None,
        ontology_turtle: bytes = b"",
        modified: float = 0.0,
    ) -> None:
        self.store = store
        self.queries = {q.name: q for q in queries if not q.name.startswith("checks/")}
        self.context = jsonld_context
        # A public server always has both limits (the CLI requires them).
        self.timeout = limits.timeout or SERVER_LIMITS.timeout or 0.0
        self.max_rows = limits.max_rows or SERVER_LIMITS.max_rows or 0
        self.labels = _all_labels(store)
        self.languages = graph_languages(self.labels)
        self.ontology_turtle = ontology_turtle
        self.last_modified = http_date(modified)
        self._documents: dict[object, list[ox.Triple]] = {}
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
        gzip_allowed = accepts_gzip(request.accept_encoding) if request.accept_encoding else False
        cached = self._cache.get((*key, request.accept, gzip_allowed))
        if cached is not None:
            return cached
        if request.method == "GET" and "query" not in request.query_string:
            return self._service_description(request)
        asked = read_request(*key)
        try:
            check_query(asked.sparql)
            job = Job(asked.sparql, dataset=asked.dataset, max_rows=self.max_rows)
            reply = self._run(_Work(job, request.accept, asked.forced_format, _pager(request)))
        except HttpError as exc:
            if exc.status in (406, 500) or not _wants_html(request, asked.forced_format):
                raise
            # A person's query stays in the editor, with the error shown at its place.
            page = self._editor_page(request, asked.sparql, error=exc)
            return Response(exc.status, content_type(HTML), page, VARY)
        if isinstance(reply, Page):
            return _html(self._editor_page(request, asked.sparql, page=reply), VARY)
        response = Response(200, reply.content_type, reply.body, VARY)
        response = with_validators(encoded(response, gzip_allowed), self.last_modified)
        self._cache.put((*key, request.accept, gzip_allowed), response)
        return response

    def _service_description(self, request: Request) -> Response:
        """GET /sparql without a query: the Service Description (a page for browsers)."""
        if "update" in request.query_string:
            read_request(request.method, request.query_string, "", b"")  # refuses updates
        fmt = negotiate(request.accept, DOCUMENT_OFFER)
        if fmt == HTML:
            return _html(self._editor_page(request, _param(request, "query") or ""), VARY)
        endpoint = _origin(request) + "/sparql"
        build = lambda: service_description(endpoint, self.store)  # noqa: E731
        triples = self._document(("sd", endpoint), build)
        return self._graph_document(triples, fmt)

    def _run(self, work: _Work) -> Page | _Rendered:
        try:
            reply: Page | _Rendered = self.pool.run(work, self.timeout)
            return reply
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
            place = (
                (exc.line, exc.column) if isinstance(exc, SparqlSyntaxError) and exc.line else None
            )
            raise HttpError(400, exc.message, exc.hint, place=place) from None

    def _editor_page(
        self,
        request: Request,
        sparql: str = "",
        page: Page | None = None,
        error: HttpError | None = None,
    ) -> bytes:
        """The query editor, with the query's results (a page of them) or its error."""
        labels = self._labels(request, strict=error is None)
        shown_error = None
        if error is not None:
            line, column = error.place or (0, 0)
            shown_error = {"message": error.message, "hint": error.hint, "line": line}
            shown_error["column"] = column
        pager = page.pager if page else (_pager(request) or Pager())

        def paging(number: int, size: int) -> str:
            kept = [(k, v) for k, v in _pairs(request) if k not in ("page", "size")]
            return query_url("/sparql", [*kept, ("page", str(number)), ("size", str(size))])

        return render_page(
            "sparql.html",
            title="Query results" if page else "SPARQL query",
            query=sparql or EXAMPLE_QUERY,
            page=page,
            error=shown_error,
            page_size=pager.size,
            paging=paging,
            labels=labels,
        )

    def _work(self, work: _Work) -> Page | _Rendered:
        """Runs in a worker process: evaluate, negotiate, render."""
        engine = engine_for(self.store, work.job)
        started = start(engine, work.job)
        kind = started.kind
        offered = GRAPH_OFFER if kind == "graph" else TABULAR_OFFER
        fmt = work.forced_format or negotiate(work.accept, offered)
        if kind == "graph" and fmt in GRAPH_ALIASES:
            fmt = GRAPH_ALIASES[fmt]
        if fmt is None or fmt not in offered:
            names = ", ".join(offered)
            raise HttpError(406, f"no acceptable format for this result; it can be {names}")
        if fmt == HTML:
            return read_page(engine, work.job, started, work.pager or Pager())
        result = finish(engine, work.job, started)
        if result.kind == "graph":
            triples = (to_triple(*triple) for triple in result.triples)
            return _Rendered(content_type(fmt), write_graph(triples, fmt, self.context))
        return _Rendered(content_type(fmt), render(result, ResultFormat(fmt), self.context))

    # -- pages --------------------------------------------------------------------------------

    def respond(self, request: Request) -> Response:
        """The response to any request (errors included), with validators and compression;
        a 304 when the client's copy is current."""
        response = self._answer(request)
        if response.status == 200 and "ETag" not in response.headers:
            gzip_allowed = accepts_gzip(request.accept_encoding)
            response = with_validators(encoded(response, gzip_allowed), self.last_modified)
        return not_modified(request, response) or response

    def _answer(self, request: Request) -> Response:
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
        if path.startswith(ID_PATH):
            return self._resource(request)
        if path.startswith("/ontology"):
            return self._ontology(request)
        if path == "/.well-known/void":
            return self._void(request)
        if path.startswith("/static/"):
            gzip_allowed = accepts_gzip(request.accept_encoding)
            return _static_answer(path[len("/static/") :], gzip_allowed, self.last_modified)
        raise HttpError(404, f"nothing at {path}", hint="start from the home page, /")

    def _ontology(self, request: Request) -> Response:
        """/ontology by content negotiation, or /ontology.ttl, .jsonld, .nt, .rdf, .html."""
        stem, dot, extension = request.path.partition(".")
        fmt = EXTENSIONS.get(dot + extension) if dot else negotiate(request.accept, ONTOLOGY_OFFER)
        if stem != "/ontology" or (dot and fmt is None):
            raise HttpError(404, f"nothing at {request.path}", hint="try /ontology.ttl")
        headers = {} if dot else VARY
        if fmt == HTML:
            page = ontology_page(ontology_terms(self.store), self._labels(request))
            return _html(page, headers)
        if fmt == ResultFormat.TURTLE:
            return Response(200, content_type(fmt), self.ontology_turtle, headers)
        triples = self._document("ontology", self._ontology_triples)
        return replace(self._graph_document(triples, fmt), headers=headers)

    def _ontology_triples(self) -> list[ox.Triple]:
        return list(ox.parse(self.ontology_turtle, format=ox.RdfFormat.TURTLE))

    def _void(self, request: Request) -> Response:
        base = _origin(request) + "/"
        triples = self._document(("void", base), lambda: void_description(base, self.store))
        return self._graph_document(triples, negotiate(request.accept, DOCUMENT_OFFER[:-1]))

    def _document(self, key: object, build: Callable[[], list[ox.Triple]]) -> list[ox.Triple]:
        """A document about the graph, built once (per host name) and kept."""
        found = self._documents.get(key)
        if found is None:
            found = self._documents[key] = build()
        return found

    def _graph_document(self, triples: list[ox.Triple], fmt: str | None) -> Response:
        if fmt is None:
            offered = ", ".join(DOCUMENT_OFFER[:-1])
            raise HttpError(406, f"no acceptable format for this document; it can be {offered}")
        body = write_graph(triples, fmt, self.context, DOCUMENT_PREFIXES)
        return Response(200, content_type(fmt), body, VARY)

    def _labels(self, request: Request, strict: bool = True) -> Labels:
        """The page's labels in the language it asks for (`lang`), which must be one the
        graph has (unless `strict` is off, for error pages: English then)."""
        lang = _param(request, "lang") or "en"
        if lang not in self.languages:
            if strict:
                raise HttpError(
                    400,
                    f"the graph has no labels in '{lang}'",
                    hint=f"choose one of {', '.join(self.languages)}",
                )
            lang = "en"
        kept = urllib.parse.urlencode([(k, v) for k, v in _pairs(request) if k != "lang"])
        return Labels(self.labels, lang, kept, self.languages)

    def _home(self, labels: Labels) -> bytes:
        profile = None
        query = self.queries.get("centre-profile")
        if query is not None:
            values = {"lang": labels.lang} if any(p.name == "lang" for p in query.params) else {}
            bindings = bind_params(query, values)
            job = Job(query.text, bindings, max_rows=self.max_rows, renames=query.renames)
            profile = Page(evaluate(self.store, job), Pager(1, self.max_rows))
        heading = labels.tagged(CENTRE) or ("sdgkg", "")
        return render_page(
            "home.html",
            title="Home",
            heading=heading[0],
            heading_lang=heading[1],
            centre=CENTRE,
            profile=profile,
            queries=list(self.queries.values()),
            form_values=lambda q: _page_language(q, labels),
            example=EXAMPLE_QUERY,
            labels=labels,
        )

    def _named(self, request: Request, name: str) -> Response:
        query = self.queries.get(urllib.parse.unquote(name))
        if query is None:
            raise HttpError(404, f"no named query '{name}'", hint="the home page lists them")
        values = _query_values(query, request)
        bindings = bind_params(query, values)
        forced = _param(request, "format")
        labels = None if forced else self._labels(request)  # before the work: lang=de is a 400
        job = Job(query.text, bindings, max_rows=self.max_rows, renames=query.renames)
        reply = self._run(_Work(job, "text/html", forced, _pager(request)))
        if isinstance(reply, _Rendered):
            extension = DOWNLOAD_EXTENSIONS.get(forced or "", forced)
            disposition = f'attachment; filename="{query.name}.{extension}"'
            return Response(
                200, reply.content_type, reply.body, {"Content-Disposition": disposition}
            )
        base = f"/queries/{query.name}"

        def paging(number: int, size: int) -> str:
            kept = [(k, v) for k, v in _pairs(request) if k not in ("page", "size")]
            return query_url(base, [*kept, ("page", str(number)), ("size", str(size))])

        page = render_page(
            "named.html",
            title=query.title or query.name,
            query=query,
            editor_text=_editor_text(query.text, bindings),
            values=values,
            page=reply,
            paging=paging,
            labels=labels,
        )
        return _html(page)

    def _resource(self, request: Request) -> Response:
        path, fmt = _strip_extension(request.path)
        negotiated = fmt is None
        if fmt is None:
            fmt = negotiate(request.accept, (HTML, ResultFormat.TURTLE, ResultFormat.JSONLD))
        if fmt is None:
            raise HttpError(
                406, "this resource is available as text/html, text/turtle or application/ld+json"
            )
        iri = iri_for_path(path)
        if not is_iri(iri):  # a space, a '<', bytes that are not UTF-8: no such resource
            raise HttpError(404, f"no resource is named {path!r}")
        description = describe(self.store, iri, self.max_rows)
        if not description.exists:
            raise HttpError(404, f"the graph has nothing about {iri_for_path(path)}")
        headers = VARY if negotiated else {}
        if fmt == HTML:
            return _html(resource_page(description, self._labels(request)), headers)
        triples = list(description.triples())
        if fmt == ResultFormat.TURTLE:
            return Response(200, content_type(fmt), to_turtle(triples), headers)
        return Response(200, content_type(fmt), to_jsonld(triples, self.context), headers)

    def error(self, request: Request, status: int, message: str, hint: str | None) -> Response:
        """An error as a page for browsers, as `Error: ...` text for programs."""
        headers = {"Allow": "GET, POST", **VARY} if status == 405 else VARY
        if negotiate(request.accept, (PLAIN, HTML)) == HTML:
            labels = self._labels(request, strict=False)
            page = render_page(
                "error.html",
                title=f"Error {status}",
                status=status,
                message=message,
                hint=hint,
                labels=labels,
            )
            return Response(status, content_type(HTML), page, headers)
        text = error_lines(message, hint)
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
    `format` picks a download, `page` and `size` the page of the result, and `lang` only sets
    the page language unless it is a parameter."""
    declared = {param.name for param in query.params}
    found = urllib.parse.parse_qs(request.query_string)
    return {
        key: values[-1]
        for key, values in found.items()
        if values[-1] != ""
        and key not in ("format", "page", "size")
        and (key not in ("lang",) or key in declared)
    }


def _editor_text(sparql: str, bindings: Mapping[str, Term]) -> str:
    """A named query for the editor, its parameters' values given by a VALUES block (of
    escaped terms) opening the WHERE group, so it answers there as on its own page."""
    try:
        return bind_values(sparql, bindings)
    except QueryError:
        return sparql


def _pairs(request: Request) -> list[tuple[str, str]]:
    return urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)


def _pager(request: Request) -> Pager | None:
    """The page a person asked for, if the URL names one (only HTML answers read it)."""
    text = request.query_string
    if "page=" not in text and "size=" not in text:
        return None
    return read_pager(_param(request, "page"), _param(request, "size"))


def _wants_html(request: Request, forced_format: str | None) -> bool:
    if forced_format is not None:
        return forced_format == HTML
    return negotiate(request.accept, TABULAR_OFFER) == HTML


def _page_language(query: NamedQuery, labels: Labels) -> dict[str, str]:
    """Fill a form's lang with the page's language where lang has a default (an optional
    lang, left empty, means every language)."""
    has_default = any(p.name == "lang" and p.default is not None for p in query.params)
    return {"lang": labels.lang} if has_default else {}


def _html(page: bytes, headers: Mapping[str, str] | None = None) -> Response:
    return Response(200, content_type(HTML), page, headers or {})


def _origin(request: Request) -> str:
    """The site's URL as the client named it (the Host header was checked on arrival)."""
    return "http://" + (request.host or "localhost")


@functools.lru_cache(maxsize=64)  # a few files, compressed once (the editor is 450 kB)
def _static_answer(name: str, gzip_allowed: bool, last_modified: str) -> Response:
    return with_validators(encoded(_static(name), gzip_allowed), last_modified)


def _static(name: str) -> Response:
    """A file under static/ (the stylesheet, the vendored editor and graph library)."""
    path = (STATIC / name).resolve()
    kind = STATIC_TYPES.get(path.suffix)
    if kind is None or not path.is_relative_to(STATIC) or not path.is_file():
        raise HttpError(404, f"nothing at /static/{name}")
    return Response(200, kind, path.read_bytes(), {"Cache-Control": "max-age=3600"})


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
