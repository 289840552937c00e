"""A backstop against network access: an audit hook that refuses outbound connections.

sdgkg never fetches anything on a user's behalf, but rdflib, pySHACL and the JSON-LD and
XML machinery they use can be talked into it (remote contexts, owl:imports, SERVICE, entity
URLs). While `offline()` is active, any `socket.connect`, `socket.sendto`, `socket.getaddrinfo`,
`socket.gethostbyname` or `urllib.Request` to a host not explicitly allowed raises
`NetworkRefused`, and the attempt is recorded so that code which swallows the exception
still fails at the end. Commands that talk to one named endpoint by design
(`query --endpoint`, `push`) call `allow_url(url)` for that one host.

Audit hooks cannot be removed, so one hook is installed for the life of the process and does
nothing outside `offline()`.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from sdgkg.errors import NetworkRefused


class _Policy:
    def __init__(self) -> None:
        self.allowed: set[str] = set()
        self.attempts: list[str] = []


_policies: list[_Policy] = []  # the active policy is the last; shared by worker threads
_installed = False
_lock = threading.Lock()


def _install() -> None:
    global _installed
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _policies:
        return
    host = _host_of(event, args)
    if host is None:
        return
    policy = _policies[-1]
    name = host.lower().strip("[]")
    lookup = event.startswith("socket.get") or event == "urllib.Request"
    if name in policy.allowed or (lookup and _local_name(name)):
        return
    policy.attempts.append(f"{event} to {host}")
    raise NetworkRefused(
        f"network access refused ({event} to {host}): sdgkg works offline",
        hint="only query --endpoint and push talk to the one server they are given",
    )


def _local_name(name: str) -> bool:
    # Looking up loopback or this machine's own name is not going out (a server binding
    # 127.0.0.1 does it); connecting is what is refused, to loopback too.
    if name in ("localhost", "::1") or name.startswith("127."):
        return True
    socket = sys.modules.get("socket")
    return socket is not None and name == socket.gethostname().lower()


def _host_of(event: str, args: tuple[Any, ...]) -> str | None:
    if event in ("socket.connect", "socket.sendto"):
        sock, address = args[0], args[1]
        unix = getattr(sys.modules.get("socket"), "AF_UNIX", None)  # imported: it is in use
        if unix is not None and getattr(sock, "family", None) == unix:
            return None  # a local socket file, not the network
        return str(address[0]) if isinstance(address, tuple) else str(address)
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex"):
        return str(args[0]) if args and args[0] is not None else None
    if event == "socket.gethostbyaddr":
        return str(args[0])
    if event == "urllib.Request":
        return urlsplit(str(args[0])).hostname or str(args[0])
    return None


@contextmanager
def offline() -> Iterator[None]:
    """Refuse outbound network access inside the block; fail if any was attempted."""
    _install()
    policy = _Policy()
    _policies.append(policy)
    try:
        yield
    except NetworkRefused:
        raise
    except Exception as exc:
        # A library may turn the refusal into an error of its own: name the real cause.
        if policy.attempts:
            raise _refused(policy) from exc
        raise
    finally:
        _policies.remove(policy)
    if policy.attempts:  # the block swallowed a refusal and went on
        raise _refused(policy)


def _refused(policy: _Policy) -> NetworkRefused:
    return NetworkRefused(f"network access refused ({policy.attempts[0]}): sdgkg works offline")


def allow_url(url: str) -> None:
    """Let the current `offline()` block reach the host of `url` (one named endpoint)."""
    host = urlsplit(url).hostname
    if not _policies or not host:
        return
    policy = _policies[-1]
    policy.allowed.add(host.lower())
    # A client resolves the name, then connects to an address: that address must pass too.
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        infos = []
    policy.allowed.update(str(info[4][0]) for info in infos)
