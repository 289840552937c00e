"""Rendering a QueryResult: a plain-text table, the W3C SPARQL results formats, or RDF."""

from __future__ import annotations

import json
import textwrap
from typing import Any

import pyoxigraph as ox

from sdgkg.errors import QueryError
from sdgkg.formats import ResultFormat, choose
from sdgkg.namespaces import XSD_STRING
from sdgkg.rdfio.ntriples import bytes_written
from sdgkg.rdfio.serialize import to_jsonld, to_ntriples, to_turtle
from sdgkg.rdfio.terms import Term, to_triple
from sdgkg.store.engine import QueryResult, Row

TABULAR = (
    ResultFormat.TABLE,
    ResultFormat.CSV,
    ResultFormat.TSV,
    ResultFormat.JSON,
    ResultFormat.XML,
)
GRAPH = (ResultFormat.TABLE, ResultFormat.TURTLE, ResultFormat.JSONLD, ResultFormat.NT)
_W3C = {
    ResultFormat.TSV: ox.QueryResultsFormat.TSV,
    ResultFormat.XML: ox.QueryResultsFormat.XML,
}


def default_format(result: QueryResult, interactive: bool) -> ResultFormat:
    """A table for people at a terminal; csv or turtle for pipes."""
    if interactive:
        return ResultFormat.TABLE
    return ResultFormat.TURTLE if result.kind == "graph" else ResultFormat.CSV


def render(
    result: QueryResult, fmt: ResultFormat | str, jsonld_context: dict[str, Any] | None = None
) -> bytes:
    """The result in `fmt` (a ResultFormat or its name, e.g. "csv"); InputError for an unknown
    format, QueryError when the format does not fit the kind of result."""
    fmt = choose(ResultFormat, fmt)
    allowed = GRAPH if result.kind == "graph" else TABULAR
    if fmt not in allowed:
        names = ", ".join(f.value for f in allowed)
        kind = "CONSTRUCT/DESCRIBE" if result.kind == "graph" else result.kind.upper()
        raise QueryError(f"format {fmt.value} does not apply to a {kind} result", hint=names)
    if result.kind == "graph":
        return _render_graph(result, fmt, jsonld_context)
    if fmt is ResultFormat.TABLE:
        return render_table(result).encode("utf-8")
    if fmt is ResultFormat.JSON:
        return (json.dumps(sparql_json(result), ensure_ascii=False) + "\n").encode("utf-8")
    if result.kind == "ask" and fmt in (ResultFormat.CSV, ResultFormat.TSV):
        return b"true\n" if result.boolean else b"false\n"
    if fmt is ResultFormat.CSV:
        return _csv(result)
    # pyoxigraph writes TSV and XML; feed it our own (lossless) JSON results.
    raw = json.dumps(sparql_json(result)).encode("utf-8")
    solutions = ox.parse_query_results(raw, format=ox.QueryResultsFormat.JSON)
    return bytes_written(solutions.serialize(format=_W3C[fmt]))


def _csv(result: QueryResult) -> bytes:
    """SPARQL 1.1 CSV, written directly: byte for byte what pyoxigraph writes, without the
    round trip through JSON that costs five times as much (the server's common answer)."""
    lines = [",".join(result.variables)]
    lines += [",".join(_csv_cell(term) for term in row) for row in result.rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _csv_cell(term: Term | None) -> str:
    if term is None:
        return ""
    if term.kind == "iri":
        return term.value
    if term.kind == "bnode":
        return "_:" + term.value
    if term.kind == "triple":
        raise QueryError("triple terms cannot be written in SPARQL 1.1 results formats")
    value = term.value
    if '"' in value or "," in value or "\n" in value or "\r" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def sparql_json(result: QueryResult) -> dict[str, Any]:
    """The SPARQL 1.1 Query Results JSON document of a SELECT or ASK result."""
    if result.kind == "ask":
        return {"head": {}, "boolean": bool(result.boolean)}
    bindings = [_json_binding(result.variables, row) for row in result.rows]
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def _json_binding(variables: tuple[str, ...], row: Row) -> dict[str, Any]:
    return {name: _json_term(term) for name, term in zip(variables, row, strict=True) if term}


def _json_term(term: Term) -> dict[str, str]:
    if term.kind == "iri":
        return {"type": "uri", "value": term.value}
    if term.kind == "bnode":
        return {"type": "bnode", "value": term.value}
    if term.kind == "triple":
        raise QueryError("triple terms cannot be written in SPARQL 1.1 results formats")
    if term.language:
        return {"type": "literal", "value": term.value, "xml:lang": term.language}
    if term.datatype and term.datatype != XSD_STRING:
        return {"type": "literal", "value": term.value, "datatype": term.datatype}
    return {"type": "literal", "value": term.value}


def render_table(result: QueryResult, width: int | None = None) -> str:
    """An aligned plain-text table with prefixed IRIs, ending with a row count. With `width`
    (a terminal's columns), the widest columns are narrowed until the table fits and their
    cells wrap onto more lines; without it every row stays on one line (plain data)."""
    if result.kind == "ask":
        return ("true" if result.boolean else "false") + "\n"
    if result.kind == "graph":
        header: tuple[str, ...] = ("subject", "predicate", "object")
        rows: list[list[Term | None]] = [list(t) for t in result.triples]
    else:
        header, rows = result.variables, [list(row) for row in result.rows]
    cells = [[t.display() if t else "" for t in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    if width:
        widths = fitted_widths(widths, width)
    lines = _wrapped(list(header), widths)
    lines.append(_line(["-" * w for w in widths], widths))
    for row in cells:
        lines += _wrapped(row, widths)
    count = len(rows)
    return "\n".join(lines) + f"\n({count} {'row' if count == 1 else 'rows'})\n"


_GAP = 2  # spaces between columns


def fitted_widths(widths: list[int], total: int) -> list[int]:
    """Column widths that fit in `total` characters with their gaps: columns narrower than a
    fair share keep their width, the others share what is left equally."""
    room = total - _GAP * (len(widths) - 1)
    if sum(widths) <= room:
        return widths
    fitted = list(widths)
    wide = set(range(len(widths)))
    while wide:
        left = max(room - sum(fitted[i] for i in range(len(widths)) if i not in wide), 0)
        share, spare = divmod(left, len(wide))
        narrow = {i for i in wide if widths[i] <= share}
        if not narrow:
            for rank, i in enumerate(sorted(wide)):  # the last columns get the spare ones
                extra = 1 if rank >= len(wide) - spare else 0
                fitted[i] = max(share + extra, 1)  # a table too wide for even that overflows
            break
        wide -= narrow
    return fitted


def _wrapped(cells: list[str], widths: list[int]) -> list[str]:
    """One row as lines: each cell wrapped to its column's width (at spaces where it can)."""
    pieces = [
        textwrap.wrap(cell, w, break_on_hyphens=False) or [""] if len(cell) > w else [cell]
        for cell, w in zip(cells, widths, strict=True)
    ]
    height = max(len(p) for p in pieces)
    return [_line([p[n] if n < len(p) else "" for p in pieces], widths) for n in range(height)]


def _line(cells: list[str] | tuple[str, ...], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def _render_graph(
    result: QueryResult, fmt: ResultFormat, jsonld_context: dict[str, Any] | None
) -> bytes:
    if fmt is ResultFormat.TABLE:
        return render_table(result).encode("utf-8")
    triples = [to_triple(*triple) for triple in result.triples]
    if fmt is ResultFormat.TURTLE:
        return to_turtle(triples)
    if fmt is ResultFormat.NT:
        return to_ntriples(triples)
    return to_jsonld(triples, jsonld_context or {})
