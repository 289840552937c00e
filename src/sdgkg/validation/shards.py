"""One pySHACL validation split over worker processes, each checking a share of the focus nodes.

pySHACL checks focus node after focus node on one core, and the results for a (shape, focus
node) pair depend only on the data and the shapes graph. So the parent works out every shape's
focus nodes with pySHACL's own method and deals them round-robin into shares; each worker,
forked after both graphs are parsed (nothing is parsed or pickled twice), runs pySHACL as usual
on a copy of the shapes graph whose targets are replaced by `sh:targetNode` for its share, and
the caller merges the reports: the same results as one run (a test compares them), in about
half the time on two cores.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from pyshacl.shapes_graph import ShapesGraph
from rdflib import RDF, RDFS, SH, Graph
from rdflib.namespace import OWL
from rdflib.term import Node

from sdgkg.parallel import fork_cores

# Below this many data triples one run is quick and forking is not worth it.
MIN_TRIPLES = 20_000
MAX_WORKERS = 4

Share = dict[Node, list[Node]]  # shape -> the focus nodes to check it on
_work: Callable[[int], Any] | None = None  # what forked workers inherit


def worker_count(data: Graph) -> int:
    """How many processes a validation of `data` should use (1: run in this process)."""
    return 1 if len(data) < MIN_TRIPLES else min(fork_cores(), MAX_WORKERS)


def focus_shares(data: Graph, shapes: Graph, count: int) -> list[Share]:
    """Every targeted shape's focus nodes, dealt round-robin into `count` shares."""
    shares: list[Share] = [{} for _ in range(count)]
    for shape in ShapesGraph(shapes).shapes:
        nodes = sorted(shape.focus_nodes(data), key=lambda node: node.n3())
        for index, node in enumerate(nodes):
            shares[index % count].setdefault(shape.node, []).append(node)
    return shares


def with_targets(shapes: Graph, share: Share) -> Graph:
    """A copy of `shapes` whose shapes target exactly the focus nodes of `share`; shapes
    without any still serve as nested shapes (sh:node, sh:property)."""
    targets = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
    classes = {RDFS.Class, OWL.Class}  # a shape that is a class targets its instances
    copy = Graph()
    for triple in shapes:
        if triple[1] in targets or (triple[1] == RDF.type and triple[2] in classes):
            continue
        copy.add(triple)
    for shape, nodes in share.items():
        for node in nodes:
            copy.add((shape, SH.targetNode, node))
    return copy


def run_shares(count: int, work: Callable[[int], Any]) -> list[Any]:
    """`work(index)` for each index below `count`, each in a forked process; answers in order."""
    global _work
    _work = work
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(count, mp_context=context) as pool:
            return list(pool.map(_run_share, range(count)))
    finally:
        _work = None


def _run_share(index: int) -> Any:
    assert _work is not None, "workers are forked by run_shares"
    return _work(index)
