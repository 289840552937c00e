"""An HTTP request as the site reads it, and the response it answers with: plain values, so
the HTTP layer, the site and the caching helpers share them without importing each other."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query_string: str = ""
    accept: str = ""
    content_type: str = ""
    body: bytes = b""
    host: str = ""  # the Host header (already checked against the allow-list)
    accept_encoding: str = ""
    if_none_match: str = ""
    if_modified_since: str = ""
