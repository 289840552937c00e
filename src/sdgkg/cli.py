"""The `sdgkg` command: each command parses options, calls one library function, renders.

Exit codes: 0 success (or the data conforms), 1 SHACL violations, 2 usage or input error.

Start-up discipline: this module imports only typer, the standard library and the light
`sdgkg.errors`/`sdgkg.formats`; each command imports the library modules it uses inside its
body, so `sdgkg --help` loads no RDF code and `sdgkg query` never loads rdflib or pySHACL
unless the output format needs them (bench/RESULTS.md records the import-time profile).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from sdgkg.cli_support import UsageError, complete_param_names, complete_query_names, one_line
from sdgkg.errors import ExtractionFailed, InputError, QueryTimeout, SdgkgError, error_lines
from sdgkg.formats import ExportFormat, ReportFormat, ResultFormat, ValidateFormat
from sdgkg.safety.limits import (
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT,
    ROWS_ENV,
    SERVER_MAX_ROWS,
    SERVER_TIMEOUT,
    TIMEOUT_ENV,
    QueryLimits,
)


class _FunnelGroup(TyperGroup):
    """The one error funnel: a library error or a usage error becomes `Error: ...` (+ `Hint:
    ...`) on stderr, one line each."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except UsageError as exc:  # an option of `sdgkg` itself
            raise one_line(exc) from None

    def invoke(self, ctx: Any) -> Any:
        from sdgkg.safety.network import offline  # every command works offline unless it opts in

        try:
            with offline():
                return super().invoke(ctx)
        except UsageError as exc:  # a command's arguments, or no such command
            raise one_line(exc) from None
        except SdgkgError as exc:
            _fail(ctx, exc.message, exc.hint, exc.exit_code)
        except OSError as exc:  # e.g. stdout closed, disk full: still one line
            _fail(ctx, " ".join(filter(None, [exc.filename, exc.strerror or str(exc)])), None, 2)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        if name not in NETWORK_COMMANDS:
            _deny_network()  # `query` decides for itself: only --endpoint needs the network
        return name, command, rest


# Commands that may open a connection: push and query --endpoint to their one host, serve to
# listen (its query workers are sandboxed apart). Every other command runs with the network
# denied below Python (sdgkg.safety.sandbox), in the real process only.
NETWORK_COMMANDS = frozenset({"query", "push", "serve"})
_process = {"sandbox": False}  # True when running as the `sdgkg` program (see `main`)


def _deny_network() -> None:
    if _process["sandbox"]:
        from sdgkg.safety.sandbox import deny_network

        deny_network()


def _fail(ctx: Any, message: str, hint: str | None, code: int) -> NoReturn:
    sys.stderr.write(error_lines(message, hint))
    raise typer.Exit(code)


app = typer.Typer(
    cls=_FunnelGroup,
    name="sdgkg",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion: bash, zsh, fish
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Query, export, validate and summarise the sdgkg knowledge graph "
    "(UN Regional SDG Centre for Central Asia and Afghanistan, Almaty).",
    epilog="Exit codes: 0 success or conforms, 1 SHACL violations (fmt --check: files to "
    "reformat), 2 usage or input error.",
)


@dataclass
class Settings:
    root_option: Path | None
    resolved: Path | None = None

    def root(self) -> Path:
        """The data root, resolved once for the whole command (the edge that decides it)."""
        if self.resolved is None:
            from sdgkg.store.paths import resolve_root

            self.resolved = resolve_root(self.root_option)
        return self.resolved


# Options shared by several commands, declared once.
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Validate and show the change; write nothing.")
]
TimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        metavar="SECONDS",
        min=0,
        help=f"Stop after SECONDS (0: no limit). Default: ${TIMEOUT_ENV} or {DEFAULT_TIMEOUT:g}.",
    ),
]
ReportFormatOption = Annotated[
    ReportFormat, typer.Option("--format", "-f", help="text for people, json for programs.")
]


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version  # 15 ms: only when asked

        try:
            typer.echo(f"sdgkg {version('sdgkg')}")
        except PackageNotFoundError:
            typer.echo("sdgkg (not installed)")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="Data folder (with ontology/, kg/, shapes/, queries/). "
            "Default: $SDGKG_ROOT, the source checkout, or the installed copy.",
            file_okay=False,
        ),
    ] = None,
    _show_version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    ctx.obj = Settings(root)


def _root(ctx: typer.Context) -> Path:
    settings = ctx.obj if isinstance(ctx.obj, Settings) else Settings(None)
    return settings.root()


def _emit(data: bytes | str) -> None:
    sys.stdout.buffer.write(data.encode("utf-8") if isinstance(data, str) else data)
    sys.stdout.flush()


def _interactive() -> bool:
    return sys.stdout.isatty()


@app.command()
def query(
    ctx: typer.Context,
    query: Annotated[
        str,
        typer.Argument(
            metavar="NAME|FILE|SPARQL",
            help="A query NAME, a .rq FILE, or SPARQL text.",
            autocompletion=complete_query_names,
        ),
    ],
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            metavar="NAME=VALUE",
            help="Bind a parameter: NAME=VALUE (repeatable).",
            autocompletion=complete_param_names,
        ),
    ] = None,
    fmt: Annotated[
        ResultFormat | None,
        typer.Option(
            "--format", "-f", help="Output format. Default: table on a terminal, else csv/turtle."
        ),
    ] = None,
    timeout: TimeoutOption = None,
    max_rows: Annotated[
        int | None,
        typer.Option(
            "--max-rows",
            metavar="N",
            min=0,
            help="Fail if the result has more than N rows (0: no limit). "
            f"Default: ${ROWS_ENV} or {DEFAULT_MAX_ROWS}.",
        ),
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option(metavar="URL", help="Ask this SPARQL endpoint instead of the embedded graph."),
    ] = None,
    graph: Annotated[
        str | None,
        typer.Option(metavar="IRI", help="With --endpoint: the graph to read as default graph."),
    ] = None,
    all_graphs: Annotated[
        bool,
        typer.Option(
            "--all-graphs",
            help="Read evidence and extracted candidates as part of the default graph too.",
        ),
    ] = False,
    max_memory: Annotated[
        int | None,
        typer.Option(
            "--max-memory",
            metavar="MIB",
            min=0,
            help="Stop the query past MIB mebibytes of memory (0: no limit). "
            "Default: $SDGKG_MAX_MEMORY or 2048.",
        ),
    ] = None,
) -> None:
    """Run a named query, a .rq file or SPARQL text against the graph.

    SERVICE, FROM of anything but the graph's own files, LOAD and updates are refused.

    \b
    Examples:
      sdgkg query centre-names -p lang=en
      sdgkg query queries/centre-names.rq --format json
      sdgkg query 'SELECT ?p ?o WHERE { kg:centre ?p ?o }'
      sdgkg query pillars --timeout 5 --max-rows 1000
      sdgkg query pillars --endpoint http://localhost:7878/query
      sdgkg query 'SELECT * WHERE { ?s a sdgkg:Candidate }' --all-graphs
    """
    from sdgkg.progress import Progress
    from sdgkg.query.named import parse_assignments, run_query
    from sdgkg.query.results import default_format, render

    limits = QueryLimits.resolve(timeout, max_rows)
    engine = None
    if all_graphs and endpoint:
        raise InputError("--all-graphs reads the embedded graph", hint="leave out --endpoint")
    if endpoint or graph:
        from sdgkg.safety.network import allow_url
        from sdgkg.store.remote import remote_engine

        allow_url(endpoint or "")  # the one server this command talks to
        engine = remote_engine(endpoint, graph)
    else:
        _deny_network()
    bindings = parse_assignments(param or [])
    root = _root(ctx) if engine is None or _names_a_query(query) else None
    with Progress("query") as progress:
        progress.step("running the query" + (f" on {endpoint}" if endpoint else ""))
        try:
            if _process["sandbox"]:  # a child process bounds its memory, crashes and time
                from sdgkg.safety.isolate import run_isolated
                from sdgkg.safety.sandbox import memory_limit

                result = run_isolated(
                    lambda: run_query(query, bindings, root, engine, limits, all_graphs),
                    limits.timeout,
                    memory_limit(max_memory),
                )
            else:
                result = run_query(query, bindings, root, engine, limits, all_graphs)
        except QueryTimeout as exc:
            progress.done()  # clear the line before the error
            _stop_now(exc)
    answered = result.rows or result.triples or result.boolean
    # No rows from a server read without --graph: most likely the data sits in a named graph.
    if engine is not None and not graph and not answered and engine.looks_empty():
        typer.echo(
            f"Warning: the default graph of {endpoint} is empty; if the data is in a named "
            "graph, name it with --graph IRI, or have the server read the union of its named "
            "graphs (sdgkg push writes each file into its own)",
            err=True,
        )
    chosen = fmt or default_format(result, _interactive())
    context = None
    if chosen is ResultFormat.JSONLD:
        from sdgkg.export import load_context

        context = load_context(_root(ctx))
    if chosen is ResultFormat.TABLE and _interactive():  # fitted to the terminal; a pipe: plain
        from sdgkg.cli_support import terminal_width
        from sdgkg.query.results import render_table

        _emit(render_table(result, width=terminal_width()))
        return
    _emit(render(result, chosen, context))


def _names_a_query(text: str) -> bool:
    """Whether a remote query still needs the data root: a NAME, not SPARQL or a file."""
    from sdgkg.query.named import is_query_name

    return is_query_name(text)


@app.command("queries")
def list_named_queries(
    ctx: typer.Context,
    fmt: ReportFormatOption = ReportFormat.TEXT,
) -> None:
    """List the named queries (name and title).

    \b
    Examples:
      sdgkg queries
      sdgkg queries --format json
    """
    import json

    from sdgkg.query.named import list_queries

    found = list_queries(_root(ctx))
    if fmt is ReportFormat.JSON:
        _emit(json.dumps([q.as_dict() for q in found], indent=2, ensure_ascii=False) + "\n")
        return
    width = max((len(q.name) for q in found), default=0)
    _emit("".join(f"{q.name.ljust(width)}  {q.title}".rstrip() + "\n" for q in found))


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="RDF syntax.")] = (
        ExportFormat.TURTLE
    ),
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout."),
    ] = None,
) -> None:
    """Export the whole graph (ontology/ and kg/), deterministically.

    \b
    Examples:
      sdgkg export > sdgkg.ttl
      sdgkg export --format jsonld --output sdgkg.jsonld
      sdgkg export --format trig      (one named graph per source file)
    """
    from sdgkg.export import export_graph, write_atomically
    from sdgkg.progress import Progress

    with Progress("export") as progress:
        progress.step(f"writing {fmt.value}")
        data = export_graph(_root(ctx), fmt)
    if output is None:
        _emit(data)
    else:
        write_atomically(data, output)


@app.command()
def validate(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[FILE]...",
            help="New RDF files to check together with the graph.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[ValidateFormat, typer.Option("--format", "-f", help="Report format.")] = (
        ValidateFormat.TEXT
    ),
) -> None:
    """Check the graph plus new FILEs against the SHACL shapes.

    Exit 0 if it conforms, 1 on violations, 2 if a file cannot be read.

    \b
    Examples:
      sdgkg validate new-facts.ttl
      sdgkg validate new-facts.ttl --format json
      sdgkg validate new-facts.ttl --format sarif > report.sarif
    """
    from sdgkg.progress import Progress
    from sdgkg.validation import validate
    from sdgkg.validation.render import render_report

    with Progress("validate") as progress:
        progress.step("checking the shapes")
        report = validate(_root(ctx), files or [])
    _emit(render_report(report, fmt))
    raise typer.Exit(0 if report.conforms else 1)


@app.command()
def stats(
    ctx: typer.Context,
    fmt: ReportFormatOption = ReportFormat.TEXT,
    timeout: TimeoutOption = None,
) -> None:
    """Summarise the graph: triples, entities by class, labels by kind and language, curated
    and candidate statements, evidence.

    \b
    Examples:
      sdgkg stats
      sdgkg stats --format json
    """
    from sdgkg.progress import Progress
    from sdgkg.query.stats import graph_stats, render_json, render_text
    from sdgkg.store.index import query_source

    limits = QueryLimits.resolve(timeout, 0)
    with Progress("stats") as progress:
        progress.step("loading the graph")
        store, copy = query_source(_root(ctx))
        try:
            summary = graph_stats(store, limits=limits, on_step=progress.step, curated_copy=copy)
        except QueryTimeout as exc:
            progress.done()
            _stop_now(exc)
    _emit(render_json(summary) if fmt is ReportFormat.JSON else render_text(summary))


@app.command()
def extract(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[FILE]...",
            help="Articles (UTF-8 text). Default: the source files the graph records.",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str, typer.Option("--lang", "-l", help="Language of the text: kk, ru, en or auto.")
    ] = "auto",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write here (one FILE only)."),
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Exit 1 if the committed output is stale; write nothing."),
    ] = False,
    report: Annotated[
        bool, typer.Option("--report", help="Compare with the curated graph; write nothing.")
    ] = False,
    fmt: ReportFormatOption = ReportFormat.TEXT,
    max_size: Annotated[
        float, typer.Option("--max-size", metavar="MB", help="Refuse larger documents.")
    ] = 2.0,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="YYYY-MM-DD", help="The articles' date, if their header has none."
        ),
    ] = None,
) -> None:
    """Find candidate facts in articles, with evidence, into kg/extracted/NAME.ttl.

    Candidates are reified (sdgkg:Candidate), validated with the graph before anything is
    written, and never asserted: a curator reviews and accepts them.

    \b
    Examples:
      sdgkg extract                         (re-extract the seed article)
      sdgkg extract article.ru.txt --lang ru
      sdgkg extract --check                 (exit 1 if kg/extracted/ is stale)
      sdgkg extract --report                (precision and recall on the seed)
      sdgkg extract --report tests/fixtures/corpus   (scores against gold files)
    """
    from sdgkg import extract as extraction
    from sdgkg.store.paths import display_path

    root = _root(ctx)
    if date is not None:
        extraction.check_date(date)
    folders = [path for path in files or [] if path.is_dir()]
    if folders:
        if not report or check or len(files or []) != 1:
            raise InputError(
                f"{folders[0]}: a folder is a corpus to score",
                hint="use `sdgkg extract --report FOLDER` with that one folder",
            )
        scored = extraction.score_corpus(folders[0], root, date)
        as_json = fmt is ReportFormat.JSON
        render_scores = extraction.render_corpus_json if as_json else extraction.render_corpus_text
        _emit(render_scores(scored))
        return
    progress = extraction.stderr_progress
    size = int(max_size * 1e6)
    found = extraction.extract(files or [], root, lang, output, size, progress, date)
    if report:
        comparisons = extraction.report(found, root)
        render = extraction.render_json if fmt is ReportFormat.JSON else extraction.render_text
        _emit(render(comparisons))
    if check:
        stale = extraction.check(found, root)
        if stale:
            raise ExtractionFailed(f"{'; '.join(stale)}: run `sdgkg extract` and commit the result")
        if not report:
            _emit("".join(f"{item.output.name} is up to date\n" for item in found))
    elif not report:
        result = extraction.write(found, root)
        if not result.conforms:
            from sdgkg.validation.report import render_text  # only here: pySHACL is slow to import

            sys.stderr.write(render_text(result))
            raise ExtractionFailed(
                "the candidates do not validate with the graph; nothing was written"
            )
        for item in found:
            shown = display_path(item.output, root)
            counts = (
                f"{len(item.candidates)} candidates, {len(item.event_candidates)} for events and"
                f" new entities, {len(item.mentions)} mentions, {len(item.passages)} passages"
            )
            sys.stderr.write(f"extract: {item.document.shown}: {counts} -> {shown}\n")


@app.command()
def push(
    ctx: typer.Context,
    endpoint: Annotated[
        str, typer.Option(metavar="URL", help="The server's Graph Store Protocol URL.")
    ],
    graph: Annotated[
        str | None,
        typer.Option(
            metavar="IRI",
            help="Put the whole graph into this one graph (or 'default') instead. "
            "Default: each file into its own named graph.",
        ),
    ] = None,
) -> None:
    """Load the whole graph into a SPARQL server (SPARQL 1.1 Graph Store Protocol): each file
    into its own named graph, as the embedded graph holds them, one PUT per file; with
    --graph, everything into that one graph in a single PUT.

    \b
    Examples:
      sdgkg push --endpoint http://localhost:7878/store
      sdgkg push --endpoint http://localhost:3030/sdgkg/data --graph https://example.org/g
    """
    from sdgkg.export import export_graph
    from sdgkg.safety.network import allow_url
    from sdgkg.store.graph import dump_graphs
    from sdgkg.store.remote import push_graph, push_graphs

    allow_url(endpoint)  # the one server this command talks to
    root = _root(ctx)
    if graph is None:
        pushed = push_graphs(endpoint, dump_graphs(root))
    else:
        pushed = push_graph(endpoint, export_graph(root, ExportFormat.NT), graph)
    typer.echo(f"Pushed {pushed.triples} triples to {pushed.graph} at {endpoint}", err=True)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0: any free port).", min=0, max=65535)] = 8000,
    timeout: Annotated[
        float, typer.Option(help="Seconds a query may run before it is stopped.", min=0.01)
    ] = SERVER_TIMEOUT,
    max_rows: Annotated[
        int, typer.Option(help="Most rows (or triples) a query may return.", min=1)
    ] = SERVER_MAX_ROWS,
    workers: Annotated[
        int | None,
        typer.Option(help="Query worker processes [default: two per CPU, at most 16].", min=1),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(metavar="NAME", help="Also answer this Host name, on any port (repeatable)."),
    ] = None,
    request_timeout: Annotated[
        float,
        typer.Option(help="Seconds a client may take to send a whole request.", min=0.1),
    ] = 20.0,
    max_memory: Annotated[
        int | None,
        typer.Option(
            metavar="MIB",
            min=0,
            help="Memory of each query worker, in MiB (0: no limit). "
            "Default: $SDGKG_MAX_MEMORY or 2048.",
        ),
    ] = None,
    cors: Annotated[
        bool, typer.Option(help="Let web pages of any origin query the server (CORS).")
    ] = False,
) -> None:
    """Serve the graph read-only over HTTP: a SPARQL endpoint at /sparql, a page for every
    resource (/id/centre), the named queries (/) and the ontology (/ontology).

    \b
    Examples:
      sdgkg serve                      (then open http://127.0.0.1:8000/)
      sdgkg serve --port 8080 --timeout 5 --max-rows 1000
      sdgkg serve --cors               (for YASGUI or any page on another origin)
    """
    import os

    from sdgkg.safety.sandbox import memory_limit
    from sdgkg.server import ServerConfig
    from sdgkg.server import serve as run_server

    if not hasattr(os, "fork"):  # query workers are forked from a copy holding the graph
        raise InputError(
            "sdgkg serve needs os.fork, which this system lacks",
            hint="it runs on POSIX systems (Linux, macOS); query, export and validate work here",
        )

    limits = QueryLimits(timeout, max_rows, memory_limit(max_memory))
    hosts = tuple(allow_host or ())
    chosen = {"workers": workers} if workers else {}  # else ServerConfig's default
    config = ServerConfig(
        host,
        port,
        limits,
        allowed_hosts=hosts,
        cors=cors,
        request_timeout=request_timeout,
        **chosen,
    )
    run_server(_root(ctx), config)


@app.command()
def add(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE...", help="RDF files with the new facts and their evidence."),
    ],
    remove: Annotated[
        list[Path] | None,
        typer.Option(
            "--remove", metavar="FILE", help="RDF file of facts to take out (repeatable)."
        ),
    ] = None,
    to: Annotated[
        Path | None,
        typer.Option(
            "--to",
            metavar="kg/FILE.ttl",
            help="Put every new fact in this file. Default: the file that already describes "
            "the subject, else the one with most subjects of its class.",
        ),
    ] = None,
    dry_run: DryRunOption = False,
) -> None:
    """Add facts to the curated graph if the graph with them conforms to the shapes.

    Exit 0 when added (or, with --dry-run, when they would be), 1 on SHACL violations (with
    the report; nothing is written), 2 on unreadable input.

    \b
    Examples:
      sdgkg add new-facts.ttl --dry-run
      sdgkg add task-done.ttl --remove task-pending.ttl
      sdgkg add new-source.ttl --to kg/sources.ttl
    """
    from sdgkg.curation.add import add_facts, render_changes
    from sdgkg.progress import Progress
    from sdgkg.validation.report import render_text

    with Progress("add") as progress:
        progress.step("validating the changed graph")
        result = add_facts(files, _root(ctx), remove=remove or [], to=to, dry_run=dry_run)
    if not result.conforms:
        _emit(render_text(result.report))
        raise typer.Exit(1)
    _emit(render_changes(result))


@app.command()
def fmt(
    ctx: typer.Context,
    check: Annotated[
        bool, typer.Option("--check", help="Only list the files not in canonical form; exit 1.")
    ] = False,
) -> None:
    """Rewrite the curated kg/ files in the canonical Turtle form (or check that they are).

    \b
    Examples:
      sdgkg fmt --check
      sdgkg fmt
    """
    from sdgkg.curation.fmt import format_files

    changed = format_files(_root(ctx), check=check)
    verb = "would reformat" if check else "reformatted"
    _emit("".join(f"{verb} {path}\n" for path in changed) or "All kg/ files are canonical.\n")
    raise typer.Exit(1 if check and changed else 0)


_VERSION_HELP = "A file, a folder, a git revision (its kg/) or REV:path."


@app.command()
def diff(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(metavar="OLD", help=_VERSION_HELP)],
    new: Annotated[str, typer.Argument(metavar="NEW", help=_VERSION_HELP)],
) -> None:
    """Show the facts added and removed between two versions, grouped by subject.

    \b
    Examples:
      sdgkg diff HEAD~1 HEAD
      sdgkg diff HEAD:kg/tasks.ttl kg/tasks.ttl
      sdgkg diff old.ttl new.ttl
    """
    from sdgkg.curation.diff import diff_graphs, render_diff

    _emit(render_diff(diff_graphs(old, new, _root(ctx))))


# The curation loop: sources, review, accept, reject ------------------------------------------

source_app = typer.Typer(
    cls=TyperGroup,
    no_args_is_help=True,
    help="Register the documents facts come from (kg/sources.ttl, texts in seeds/).",
)
app.add_typer(source_app, name="source")


@source_app.command("add")
def source_add(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The document (UTF-8 text).")],
    title: Annotated[str, typer.Option(help="Its title, in its own language.")],
    label: Annotated[
        list[str] | None,
        typer.Option(metavar="LANG=TEXT", help="The title in another of kk, en, ru (repeatable)."),
    ] = None,
    date: Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="Date published.")] = None,
    url: Annotated[str | None, typer.Option(metavar="URL", help="Where it is published.")] = None,
    publisher: Annotated[
        str | None,
        typer.Option(metavar="IRI", help="Its publisher, an organisation of the graph (kg:NAME)."),
    ] = None,
    dateline: Annotated[str | None, typer.Option(help="Its dateline (ALMATY).")] = None,
    lang: Annotated[str, typer.Option("--lang", "-l", help="kk, ru, en or auto.")] = "auto",
    source_id: Annotated[
        str | None, typer.Option("--id", metavar="kg:NAME", help="Default: kg:source-FILENAME.")
    ] = None,
    no_text: Annotated[
        bool,
        typer.Option(
            "--no-text", help="Keep only its SHA-256 and URL (its licence forbids a copy)."
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and show the record; write nothing.")
    ] = False,
) -> None:
    """Register a source document: its record in kg/sources.ttl, its text in seeds/.

    \b
    Examples:
      sdgkg source add article.en.txt --title "Centre opens" --label kk=... --label ru=... \
        --date 2026-01-20 --url https://example.org/a
      sdgkg source add release.txt --title ... --no-text --url https://example.org/r
    """
    from sdgkg.curation.add import render_changes
    from sdgkg.curation.sources import SourceRecord, register_source
    from sdgkg.validation.report import render_text

    labels = {}
    for item in label or []:
        tag, sep, text = item.partition("=")
        if not sep or not text:
            raise InputError(f"--label {item}: expected LANG=TEXT")
        labels[tag] = text
    record = SourceRecord(
        title, date, url, publisher, dateline, labels, keep_text=not no_text, iri=source_id
    )
    registration, result = register_source(file, record, _root(ctx), lang, dry_run)
    if not result.conforms:
        _emit(render_text(result.report))
        raise typer.Exit(1)
    _emit(render_changes(result))
    if registration.text_file:
        typer.echo(f"{registration.text_file}: the text, kept", err=True)


@app.command()
def review(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[NAME]...", help="Extractions (kg/extracted/NAME.ttl). Default: all."
        ),
    ] = None,
    fmt: ReportFormatOption = ReportFormat.TEXT,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list the curated and rejected candidates.")
    ] = False,
) -> None:
    """List what the extractions propose: conflicts, new facts, second sources, new entities
    and mentions, each with its ID, confidence and passage.

    \b
    Examples:
      sdgkg review
      sdgkg review article.en --format json
    """
    from sdgkg.curation.review import render_json, render_text, review

    found = review(names or [], _root(ctx))
    _emit(render_json(found) if fmt is ReportFormat.JSON else render_text(found, show_all))


@app.command()
def accept(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[ID]...", help="Candidate IDs from `sdgkg review`."),
    ] = None,
    min_confidence: Annotated[
        float | None,
        typer.Option(metavar="X", min=0, max=1, help="Accept every candidate at X or above."),
    ] = None,
    label: Annotated[
        list[str] | None,
        typer.Option(metavar="NAME@LANG=TEXT", help="A new entity's label (repeatable)."),
    ] = None,
    extraction: Annotated[
        list[str] | None,
        typer.Option("--extraction", metavar="NAME", help="Only this extraction (repeatable)."),
    ] = None,
    dry_run: DryRunOption = False,
) -> None:
    """Make candidates curated facts, with their evidence, if the graph with them conforms.

    Exit 0 when accepted (or, with --dry-run, when they would be), 1 on SHACL violations (the
    report; nothing is written), 2 on a wrong ID or input.

    \b
    Examples:
      sdgkg accept 3f2a9c0e1b2d 77d0e5a1c4b9 --dry-run
      sdgkg accept --min-confidence 0.7
    """
    from sdgkg.curation.accept import accept as accept_candidates
    from sdgkg.curation.accept import render_accept
    from sdgkg.validation.report import render_text

    labels = {}
    for item in label or []:
        key, sep, text = item.partition("=")
        if not sep or "@" not in key or not text:
            raise InputError(f"--label {item}: expected NAME@LANG=TEXT")
        labels[key] = text
    result = accept_candidates(
        ids or [],
        _root(ctx),
        min_confidence=min_confidence,
        labels=labels,
        names=extraction or [],
        dry_run=dry_run,
    )
    if not result.conforms:
        _emit(render_accept(result))
        _emit(render_text(result.add.report))
        raise typer.Exit(1)
    _emit(render_accept(result))


@app.command()
def reject(
    ctx: typer.Context,
    ids: Annotated[list[str], typer.Argument(metavar="ID...", help="Candidate IDs.")],
    reason: Annotated[str, typer.Option(help="Why, for the record.")] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Write nothing.")] = False,
) -> None:
    """Reject candidates: remembered in kg/rejections.tsv, never proposed again for their
    source.

    \b
    Examples:
      sdgkg reject 3f2a9c0e1b2d --reason "the article reports a rumour"
    """
    from sdgkg.curation.accept import reject as reject_candidates

    chosen = reject_candidates(ids, _root(ctx), reason=reason, dry_run=dry_run)
    verb = "Would reject" if dry_run else "Rejected"
    _emit("".join(f"{verb} {item.id} ({item.extraction.name})\n" for item in chosen))


def _stop_now(exc: SdgkgError) -> NoReturn:
    """Report and end the process at once: the timed-out query's worker thread cannot be
    cancelled, and exiting the process is what stops it."""
    import os

    sys.stderr.write(error_lines(exc.message, exc.hint))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exc.exit_code)


def main() -> None:
    """Console-script entry point."""
    _process["sandbox"] = True  # this process is the command: it may be sandboxed
    app(prog_name="sdgkg")
