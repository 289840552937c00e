"""Generate sdgkg-shaped graphs of any size, valid against the project's shapes.

The project's own graph is the template: copy 0 is the curated graph itself (so every named
query still has its answers), and copy N renames every `kg:` and extracted `kgx:` resource to
`NAME--cN`; labels and quotes stay as they are (reified label facts must match them). Each copy
therefore has the same organisations, pillars, functions, tasks, kk/en/ru labels, reified
evidence facts and passages as the real graph, and copies link to the shared outside
vocabularies (Wikidata, UN M49, schema.org) exactly as the real graph does. The ontology, shapes
and queries are copied unchanged.

    python bench/generate.py 100k OUT_DIR      # about 100,000 triples in OUT_DIR/kg/
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parent.parent
KG = "https://w3id.org/sdgkg/id/"
# Extracted candidates and their passages have their own namespace; they are copied too.
COPIED_NAMESPACES = (KG, "https://w3id.org/sdgkg/extracted/")
COPIED_DIRS = ("ontology", "shapes", "queries", "seeds")
PREFIXES = {
    "kg": KG,
    "sdgkg": "https://w3id.org/sdgkg/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "dcterms": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def parse_size(text: str) -> int:
    """'1k' -> 1000, '100k' -> 100000, '1M' -> 1000000, '2500' -> 2500."""
    factors = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}
    if text and text[-1] in factors:
        return int(float(text[:-1]) * factors[text[-1]])
    return int(text)


def template(source: Path = REPO) -> dict[str, list[ox.Triple]]:
    """The curated kg/ files of `source`, as triples per relative path."""
    files = sorted((source / "kg").rglob("*.ttl"))
    return {
        p.relative_to(source).as_posix(): [
            q.triple for q in ox.parse(path=p, format=ox.RdfFormat.TURTLE)
        ]
        for p in files
    }


def ontology_size(source: Path = REPO) -> int:
    return sum(1 for p in (source / "ontology").rglob("*.ttl") for _ in ox.parse(path=p))


def generate(size: int, out: Path, source: Path = REPO) -> int:
    """Write a data root of about `size` triples (at least the curated graph) to `out`;
    return the number of triples written (ontology included)."""
    files = template(source)
    per_copy = sum(len(t) for t in files.values())
    base = ontology_size(source)
    copies = max(1, math.ceil((size - base) / per_copy))
    if out.exists():
        shutil.rmtree(out)
    for name in COPIED_DIRS:
        if (source / name).is_dir():
            shutil.copytree(source / name, out / name)
    (out / "pyproject.toml").write_text("# generated sdgkg data root for benchmarks\n")
    for relative, triples in files.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            ox.serialize(_copies(triples, copies), handle, ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return base + per_copy * copies


def _copies(triples: list[ox.Triple], copies: int) -> Iterator[ox.Triple]:
    yield from triples
    for n in range(1, copies):
        for t in triples:
            yield ox.Triple(_node(t.subject, n), t.predicate, _object(t, n))


def _node(node: ox.NamedNode, n: int) -> ox.NamedNode:
    value = node.value
    return ox.NamedNode(f"{value}--c{n}") if value.startswith(COPIED_NAMESPACES) else node


def _object(t: ox.Triple, n: int) -> ox.NamedNode | ox.Literal:
    obj = t.object
    return _node(obj, n) if isinstance(obj, ox.NamedNode) else obj


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", help="about how many triples: 1k, 100k, 1M, 2500 ...")
    parser.add_argument("out", type=Path, help="folder to write (replaced if it exists)")
    args = parser.parse_args(argv)
    written = generate(parse_size(args.size), args.out)
    print(f"{written} triples in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
