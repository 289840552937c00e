"""`sdgkg serve`: a read-only SPARQL 1.1 Protocol endpoint, Linked Data pages for every
resource, the named queries and the ontology, over the embedded graph.

Owns the HTTP layer (`http`), the routes and answers (`site`), the protocol's parsing and
content negotiation (`protocol`), the query workers (`workers`, `evaluate`) and the pages
(`pages`, `linkeddata`, `ontology`). It may import `query`, `store`, `safety`, `rdfio`, `export`
and the project-wide modules; queries run through `store.engine`, never the Store directly.
"""

from sdgkg.server.http import ServerConfig, build_site, serve
from sdgkg.server.messages import Request, Response
from sdgkg.server.site import Site

__all__ = ["Request", "Response", "ServerConfig", "Site", "build_site", "serve"]
