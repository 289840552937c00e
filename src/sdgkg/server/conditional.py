"""HTTP caching and compression of answers: ETag and Last-Modified validators, 304 Not
Modified for a client that already holds the answer, and gzip for large bodies.

The graph cannot change while the server runs, so an answer's bytes identify it: the ETag is a
hash of the body (computed once per distinct answer, which the response cache then keeps), and
Last-Modified is the time of the newest data file.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import replace
from email.utils import formatdate, parsedate_to_datetime

from sdgkg.server.messages import Request, Response

SMALLEST_COMPRESSED = 1400  # bytes: below about one packet, gzip saves nothing worth its time
_COMPRESSIBLE = ("text/", "application/")  # every body the server writes but images


def http_date(timestamp: float) -> str:
    return formatdate(timestamp, usegmt=True)


def with_validators(response: Response, last_modified: str) -> Response:
    """The response with an ETag (a hash of its body) and Last-Modified, unless it has them."""
    if "ETag" in response.headers:
        return response
    tag = f'"{hashlib.blake2b(response.body, digest_size=12).hexdigest()}"'
    headers = {**response.headers, "ETag": tag, "Last-Modified": last_modified}
    # Built directly: dataclasses.replace costs more than the hash (this is on every answer).
    return type(response)(response.status, response.content_type, response.body, headers)


def not_modified(request: Request, response: Response) -> Response | None:
    """A 304 when the client's copy (If-None-Match, else If-Modified-Since) is still good."""
    tag = response.headers.get("ETag")
    if tag is None or response.status != 200:
        return None
    if request.if_none_match:
        tags = {t.strip().removeprefix("W/") for t in request.if_none_match.split(",")}
        fresh = "*" in tags or tag in tags
    elif request.if_modified_since:
        fresh = _not_after(response.headers.get("Last-Modified", ""), request.if_modified_since)
    else:
        return None
    if not fresh:
        return None
    kept = {k: v for k, v in response.headers.items() if k in ("ETag", "Last-Modified", "Vary")}
    return replace(response, status=304, body=b"", headers=kept)


def _not_after(modified: str, since: str) -> bool:
    try:
        return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False  # an unreadable date: send the whole answer


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether the Accept-Encoding header allows gzip (a q=0 refuses it)."""
    for item in accept_encoding.lower().split(","):
        coding, _, parameters = item.partition(";")
        if coding.strip() in ("gzip", "x-gzip", "*"):
            quality = parameters.strip().removeprefix("q=")
            return not parameters.strip() or _positive(quality)
    return False


def _positive(quality: str) -> bool:
    try:
        return float(quality) > 0
    except ValueError:
        return False


def encoded(response: Response, gzip_allowed: bool) -> Response:
    """The response gzipped when that is allowed and worth it (large text), else as it is.
    Either way a large text answer says that it varies with Accept-Encoding."""
    if (
        len(response.body) < SMALLEST_COMPRESSED
        or not response.content_type.startswith(_COMPRESSIBLE)
        or "Content-Encoding" in response.headers
    ):
        return response
    headers = dict(response.headers)
    vary = headers.get("Vary")
    headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
    if not gzip_allowed:
        return replace(response, headers=headers)
    headers["Content-Encoding"] = "gzip"
    body = gzip.compress(response.body, compresslevel=5, mtime=0)
    return replace(response, body=body, headers=headers)
