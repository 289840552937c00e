"""A fast SHACL checker: SHACL Core and SPARQL-based constraints in Python, over an index of
the data held in memory.

`extract` writes tens of thousands of evidence nodes for a long article, and pySHACL checks
them at a few milliseconds a node: half a minute for a 1 MB article. This checker follows the
SHACL 1.0 definitions directly, a constraint at a time over all the focus nodes of a shape
(value nodes from the index, nested shapes remembered per node), and asks each SPARQL
constraint of Oxigraph once for all the focus nodes where that means the same as pre-binding;
the same check takes about a second.

Its parts: the data's index and paths (`graph`), the shapes (`shapes`), the constraint
components (`components`), SPARQL constraints (`prebound`) and the checker itself (`checker`).
It imports pyoxigraph, `sdgkg.namespaces` and the query lexer, never rdflib or pySHACL.

pySHACL stays the reference. This checker raises `Unsupported` for a shapes feature it does not
implement (and for a value it cannot judge), and its callers then run pySHACL; they also run
pySHACL for the report whenever it finds a violation, so what it decides alone is only that
data conforms. tests/test_native_shacl.py holds it to pySHACL's results on the project's graph
with seeded faults, tests/test_native_suite.py to the W3C SHACL test suite.
"""

from sdgkg.validation.native.checker import Finding, check
from sdgkg.validation.native.graph import Path, Unsupported, sh, text

__all__ = ["Finding", "Path", "Unsupported", "check", "sh", "text"]
