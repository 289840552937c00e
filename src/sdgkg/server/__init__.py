"""`sdgkg serve`: a read-only SPARQL 1.1 Protocol endpoint, Linked Data pages for every
resource, the named queries and the ontology, over the embedded graph."""

from sdgkg.server.http import ServerConfig, build_site, serve
from sdgkg.server.site import Limits, Request, Response, Site

__all__ = ["Limits", "Request", "Response", "ServerConfig", "Site", "build_site", "serve"]
