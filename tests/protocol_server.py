"""Run the sdgkg service over the W3C protocol tests' data: `python protocol_server.py DIR`.

The dataset tests name the graphs data1.rdf .. data3.rdf of kasei.us; their triples are in
DIR/data1.nt .. data3.nt. The service is the real one (`serve_site`), only its store differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

from sdgkg.server import ServerConfig, Site
from sdgkg.server.http import serve_site

GRAPH = "http://kasei.us/2009/09/sparql/data/{}.rdf"


def main(folder: Path) -> None:
    store = ox.Store()
    for path in sorted(folder.glob("data*.nt")):
        graph = ox.NamedNode(GRAPH.format(path.stem))
        store.load(path.read_bytes(), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    serve_site(Site(store, [], {}), ServerConfig(port=0))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
