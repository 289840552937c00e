"""The HTTP layer: the standard library's threading server, a Host allow-list (against DNS
rebinding), a cap on request bodies, and `serve` to run it all."""

from __future__ import annotations

import errno
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from sdgkg.errors import InputError
from sdgkg.export import load_context
from sdgkg.query.named import list_queries
from sdgkg.safety.limits import SERVER_LIMITS, QueryLimits
from sdgkg.server.messages import Request, Response
from sdgkg.server.site import Site
from sdgkg.server.workers import default_workers
from sdgkg.store.graph import load_graph
from sdgkg.store.paths import graph_files

DEFAULT_PORT = 8000
MAX_BODY = 1 << 20  # bytes of request body (a query, or a form holding one)
REQUEST_TIMEOUT = 20.0  # seconds to send a whole request (line, headers, body), idle included


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    limits: QueryLimits = SERVER_LIMITS
    workers: int = field(default_factory=default_workers)
    max_body: int = MAX_BODY
    allowed_hosts: tuple[str, ...] = ()  # extra Host names, besides the loopback ones
    cors: bool = False  # answer pages of any origin (Access-Control-Allow-Origin: *)
    request_timeout: float = REQUEST_TIMEOUT


def allowed_host_values(host: str, port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """The Host header values the server answers: loopback names (and the bound host) with the
    port, and each extra name with or without it."""
    names = {"127.0.0.1", "localhost", "[::1]", _bracketed(host), *(_bracketed(n) for n in extra)}
    values = {f"{name}:{port}" for name in names}
    values |= {_bracketed(n) for n in extra}
    return frozenset(v.lower() for v in values)


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


class SdgkgServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], site: Site, config: ServerConfig) -> None:
        super().__init__(address, _Handler)
        self.site = site
        self.config = config
        port = self.server_address[1]
        self.allowed = allowed_host_values(config.host, port, config.allowed_hosts)
        # --allow-host names are answered on any port (a reverse proxy may keep its own).
        self.any_port = frozenset(_bracketed(name).lower() for name in config.allowed_hosts)

    def host_allowed(self, host: str) -> bool:
        """True if a request's Host header value names this server."""
        if host in self.allowed:
            return True
        name, colon, port = host.rpartition(":")
        return bool(colon) and port.isdigit() and name in self.any_port

    def get_request(self) -> tuple[socket.socket, object]:
        try:
            return super().get_request()
        except OSError as exc:
            # Out of descriptors, the listening socket stays readable and the loop would spin:
            # wait a little for connections to close (each is bounded by the request timeout).
            if exc.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                time.sleep(0.1)
            raise

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{_bracketed(str(host))}:{port}/"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse the connection
    server_version = "sdgkg"
    server: SdgkgServer
    # Headers and body leave in one write (the handler flushes after each request), and
    # without Nagle's delay: written apart, they stall each answer ~40 ms on delayed ACKs.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    timeout = 60  # replaced per request by what is left of the request's deadline

    def setup(self) -> None:
        super().setup()
        self.rfile = _DeadlineReader(self.rfile, self.connection)  # type: ignore[assignment]

    def handle_one_request(self) -> None:
        # One deadline for the whole request, however slowly it trickles in: a client that
        # sends a header line every few seconds cannot hold a connection (and a descriptor).
        self.rfile.start(self.server.config.request_timeout)  # type: ignore[attr-defined]
        try:
            super().handle_one_request()
        except TimeoutError:
            self.close_connection = True

    def __getattr__(self, name: str) -> object:
        # TRACE, CONNECT and unknown methods get the documented 405, not the library's 501.
        if name.startswith("do_"):
            return self._refuse_method
        raise AttributeError(name)

    def do_GET(self) -> None:
        self._handle(head=False)

    def do_HEAD(self) -> None:
        self._handle(head=True)

    def do_POST(self) -> None:
        self._handle(head=False)

    def _refuse_method(self) -> None:
        self._handle(head=False)

    do_PUT = do_DELETE = do_PATCH = _refuse_method

    def do_OPTIONS(self) -> None:
        """A CORS preflight, answered when the server runs with --cors (else refused)."""
        if not self.server.config.cors or self._problem() is not None:
            self._handle(head=False)
            return
        self.send_response(204)
        for name, value in _preflight_headers(self.headers).items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _handle(self, head: bool) -> None:
        site = self.server.site
        parts = urlsplit(self.path)
        request = Request(
            "GET" if head else self.command,
            parts.path,
            parts.query,
            self.headers.get("Accept", ""),
            self.headers.get("Content-Type", ""),
            host=self.headers.get("Host", ""),
            accept_encoding=self.headers.get("Accept-Encoding", ""),
            if_none_match=self.headers.get("If-None-Match", ""),
            if_modified_since=self.headers.get("If-Modified-Since", ""),
        )
        problem = self._problem()
        if problem is not None:
            self.close_connection = True
            self._send(site.error(request, *problem), head)
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._send(site.respond(replace(request, body=body)), head)

    def _problem(self) -> tuple[int, str, str | None] | None:
        """Why the request is refused before its body is read, if it is."""
        host = (self.headers.get("Host") or "").lower()
        if not self.server.host_allowed(host):
            hint = "start the server with --allow-host NAME to answer another host name"
            return 403, f"host '{host}' is not served here", hint
        if self.headers.get("Transfer-Encoding"):
            return 411, "send the body with a Content-Length", None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return 400, "bad Content-Length", None
        if length < 0:
            return 400, "bad Content-Length", None
        if length > self.server.config.max_body:
            return 413, f"the body is larger than {self.server.config.max_body} bytes", None
        return None

    def _send(self, response: Response, head: bool) -> None:
        self.connection.settimeout(self.timeout)  # the request's deadline is for reading only
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        if response.status != 304:  # a 304 has no body, and no length of its own
            self.send_header("Content-Length", str(len(response.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in response.headers.items():
            self.send_header(name, value)
        if self.server.config.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Expose-Headers", "Content-Disposition, ETag")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head:
            self.wfile.write(response.body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Only failures are logged: a line per success would cost more than the answer.
        if str(code)[:1] in ("4", "5"):
            super().log_request(code, size)


class _DeadlineReader:
    """The request stream, read under one deadline: each read may wait only for what is left."""

    def __init__(self, stream: object, connection: socket.socket) -> None:
        self._stream = stream
        self._connection = connection
        self._deadline = float("inf")

    def start(self, seconds: float) -> None:
        self._deadline = time.monotonic() + seconds

    def _arm(self) -> None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request took longer than the server's request timeout")
        self._connection.settimeout(left)

    def readline(self, limit: int = -1) -> bytes:
        self._arm()
        return self._stream.readline(limit)  # type: ignore[attr-defined,no-any-return]

    def read(self, size: int = -1) -> bytes:
        self._arm()
        return self._stream.read(size)  # type: ignore[attr-defined,no-any-return]

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def build_site(root: Path, config: ServerConfig = ServerConfig()) -> Site:
    """Load the graph, the named queries and the JSON-LD context into a Site."""
    data_root = root
    ontology = data_root / "ontology" / "sdgkg.ttl"
    return Site(
        load_graph(data_root),
        list_queries(data_root),
        load_context(data_root),
        config.limits,
        config.workers,
        ontology.read_bytes() if ontology.is_file() else b"",
        modified=max((p.stat().st_mtime for p in graph_files(data_root)), default=0.0),
    )


def serve(
    root: Path,
    config: ServerConfig = ServerConfig(),
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the graph under `root` until interrupted (Ctrl-C or SIGTERM); `ready` gets the URL."""
    serve_site(build_site(root, config), config, ready)


def serve_site(
    site: Site, config: ServerConfig, ready: Callable[[str], None] | None = None
) -> None:
    """Serve `site` until interrupted, then stop its workers."""
    try:
        server = SdgkgServer((config.host, config.port), site, config)
    except OSError as exc:
        site.close()
        raise InputError(f"cannot listen on {config.host}:{config.port} ({exc.strerror})") from None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        (ready or _announce)(server.url)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        site.close()


def _preflight_headers(asked: Message) -> dict[str, str]:
    """The answer to a CORS preflight: any origin may GET and POST, with the headers it asks
    for (the SPARQL protocol needs Content-Type and Accept), for a day."""
    wanted = asked.get("Access-Control-Request-Headers", "")
    return {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": wanted or "Accept, Content-Type",
        "Access-Control-Max-Age": "86400",
    }


def _announce(url: str) -> None:
    print(f"Serving sdgkg on {url} (Ctrl-C to stop)", file=sys.stderr, flush=True)
