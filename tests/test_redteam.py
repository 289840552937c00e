"""Red team: every known attack, against the real `sdgkg` program and a real `sdgkg serve`.

A loopback listener (TCP and UDP on one port of 127.0.0.1) stands in for an outside host;
it must see no connection at all, from any test. Each attack is also checked for its own
harm: a traceback, a 500, a crash, a run past its time limit.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdgkg.errors import QueryError
from sdgkg.safety.screen import screen
from tests.conftest import FIXTURES, REPO
from tests.peers import Peer

GRAPH = "https://w3id.org/sdgkg/graph/"
KG = "https://w3id.org/sdgkg/id/"


class Listener:
    """Records every TCP connection and UDP datagram that reaches its port."""

    def __init__(self) -> None:
        self.tcp = socket.socket()
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(64)
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.seen: list[str] = []
        for target in (self._accept, self._receive):
            threading.Thread(target=target, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, peer = self.tcp.accept()
                self.seen.append(f"tcp from {peer}")
                conn.close()

    def _receive(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                _data, peer = self.udp.recvfrom(65536)
                self.seen.append(f"udp from {peer}")

    def close(self) -> None:
        self.tcp.close()
        self.udp.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


@pytest.fixture(autouse=True)
def _silence(listener: Listener) -> Iterator[None]:
    yield
    time.sleep(0.05)  # a connection made at the very end is recorded too
    assert listener.seen == [], f"the outside host was reached: {listener.seen}"


def attacks(port: int) -> dict[str, str]:
    """Queries that must never reach the engine (or never do harm there)."""
    out = f"http://127.0.0.1:{port}"
    return {
        "service-escaped-quote": f'ASK {{ BIND("\\u0022 #" AS ?x) SERVICE <{out}/a> {{ }} }}',
        "service-escaped-apostrophe": f"ASK {{ BIND('\\u0027 #' AS ?x) SERVICE <{out}/a> {{ }} }}",
        "service-after-cr-comment": f"ASK {{ #x\rSERVICE SILENT <{out}/a> {{ }} }}",
        "service-after-crlf-comment": f"ASK {{ #x\r\nSERVICE SILENT <{out}/a> {{ }} }}",
        "service-escaped-keyword": f"ASK {{ SERVI\\u0043E <{out}/a> {{ }} }}",
        "service-lowercase": f"ask {{ service silent <{out}/a> {{ }} }}",
        "service-variable": f"SELECT * {{ BIND(<{out}/a> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "service-escaped-iri": f"ASK {{ SERVICE <http://127.0.0.1:{port}\\u002Fa> {{ }} }}",
        "load": f"LOAD <{out}/data.ttl>",
        "load-after-escaped-comment": f'SELECT * {{ FILTER("\\u0022") }} #\rLOAD <{out}/x>',
        "insert": "INSERT DATA { <http://a> <http://b> <http://c> }",
        "from-url": f"SELECT * FROM <{out}/data.ttl> {{ ?s ?p ?o }}",
        "from-named-url": f"SELECT * FROM NAMED <{out}/g> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "from-file": "SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }",
        "from-base-relative": "BASE <file:///etc/> SELECT * FROM <passwd> { ?s ?p ?o }",
        "deep-braces": "SELECT * WHERE " + "{" * 100_000 + "}" * 100_000,
        "deep-hidden": 'ASK { BIND("\\u0022 #" AS ?x) ' + "{" * 50_000 + "}" * 50_000 + " }",
        "deep-after-cr": "ASK { #\r" + "(" * 50_000 + "1" + ")" * 50_000 + " }",
        "deep-negation": "ASK { FILTER(" + "!" * 60_000 + "true) }",
        "long-chain": "ASK { FILTER(" + "1+" * 20_000 + "1) }",
        "long-union": "ASK { " + "{} UNION " * 20_000 + "{} }",
        "quadratic-screen": "ASK { " + "'\\" * 40_000,
        "unterminated": 'ASK { FILTER("abc) }',
    }


ATTACK_NAMES = list(attacks(1))


# -- the CLI: the installed program in a process of its own ---------------------------------


def sdgkg_command() -> list[str]:
    script = Path(sys.executable).with_name("sdgkg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sdgkg"]


def environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), **extra)
    env.pop("SDGKG_ROOT", None)
    return env


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*sdgkg_command(), *args],
        capture_output=True,
        text=True,
        env=environment(),
        timeout=timeout,
    )


def one_error(done: subprocess.CompletedProcess[str]) -> None:
    """Exit 2 and one `Error:` line (and perhaps a hint): no traceback, no partial output."""
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    lines = done.stderr.splitlines()
    assert lines and lines[0].startswith("Error: "), done.stderr[-2000:]
    assert all(line.startswith(("Error: ", "Hint: ")) for line in lines), done.stderr[-2000:]
    assert done.stdout == ""


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("redteam") / "root"
    shutil.copytree(FIXTURES / "root", target)
    return target


@pytest.mark.parametrize("name", ATTACK_NAMES)
def test_cli_query_attacks_give_one_error(
    name: str, listener: Listener, data_root: Path, tmp_path: Path
) -> None:
    query = tmp_path / "attack.rq"  # a file: the big ones do not fit in an argument
    query.write_text(attacks(listener.port)[name], encoding="utf-8")
    started = time.monotonic()
    done = run_cli("--root", str(data_root), "query", str(query), "--timeout", "5")
    one_error(done)
    assert time.monotonic() - started < 15


def test_cli_query_attacks_as_arguments(listener: Listener, data_root: Path) -> None:
    for name in ("service-escaped-quote", "service-after-cr-comment", "from-url", "load"):
        one_error(run_cli("--root", str(data_root), "query", attacks(listener.port)[name]))


def test_the_time_limit_bounds_the_screen_and_memory_is_capped(data_root: Path) -> None:
    doubling = " ".join(
        [f'BIND("{"x" * 1000}" AS ?v0)']
        + [f"BIND(CONCAT(?v{i - 1}, ?v{i - 1}) AS ?v{i})" for i in range(1, 24)]
    )
    query = f"SELECT (STRLEN(?v23) AS ?n) {{ {doubling} }}"
    done = run_cli("--root", str(data_root), "query", query, "--max-memory", "300")
    one_error(done)
    assert "memory" in done.stderr


def test_from_one_of_the_graphs_files_sees_that_file_only(data_root: Path) -> None:
    own = len(list(ox.parse(path=str(data_root / "kg" / "centre.ttl"))))
    query = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}kg/centre.ttl> {{ ?s ?p ?o }}"
    done = run_cli("--root", str(data_root), "query", query, "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["n", str(own)]


# -- below Python: seccomp ------------------------------------------------------------------

PROBE = textwrap.dedent(
    """
    import atexit, socket, sys
    from sdgkg import cli

    def probe():  # after the command, outside the audit hook's reach: only seccomp is left
        try:
            socket.create_connection(("127.0.0.1", {port}), timeout=3).close()
            print("PROBE connected", file=sys.stderr)
        except OSError as exc:
            print("PROBE refused", exc.errno, file=sys.stderr)

    atexit.register(probe)
    sys.argv = ["sdgkg", *{args!r}]
    cli.main()
    """
)


@pytest.fixture
def control() -> Iterator[Listener]:
    """A second listener, for connections a test makes on purpose to show it could."""
    found = Listener()
    yield found
    found.close()


def probe(port: int, *args: str) -> str:
    code = PROBE.format(port=port, args=list(args))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment(), timeout=60
    )
    return done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["stats"],
        ["export"],
        ["validate"],
        ["query", "labels"],
    ],
    ids=lambda args: args[0],
)
def test_offline_commands_cannot_open_internet_sockets(
    args: list[str], control: Listener, data_root: Path
) -> None:
    output = probe(control.port, "--root", str(data_root), *args)
    assert "PROBE refused 13" in output, output
    assert control.seen == []


def test_the_probe_does_connect_where_the_network_is_allowed(
    control: Listener, data_root: Path
) -> None:
    # `push` may talk to its endpoint: not sandboxed, so the same probe gets through.
    output = probe(control.port, "--root", str(data_root), "push", "--endpoint", "http:")
    assert "PROBE connected" in output, output
    assert control.seen


ENGINE_CALLS_OUT = textwrap.dedent(
    """
    import sys
    import pyoxigraph as ox
    from sdgkg.safety.sandbox import deny_network

    if sys.argv[1] == "sandboxed":
        assert deny_network()
    try:  # straight to the engine, past the screen: only the kernel can stop it now
        ox.Store().query("ASK {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ }} }}")
        print("answered")
    except Exception as exc:
        print("failed:", exc)
    """
)


def test_the_engine_itself_cannot_call_out_once_sandboxed(control: Listener) -> None:
    code = ENGINE_CALLS_OUT.format(port=control.port)
    sandboxed = subprocess.run(
        [sys.executable, "-c", code, "sandboxed"], capture_output=True, text=True, timeout=60
    )
    assert sandboxed.returncode == 0, sandboxed.stderr
    assert "failed" in sandboxed.stdout
    time.sleep(0.1)
    assert control.seen == []
    free = subprocess.run(
        [sys.executable, "-c", code, "free"], capture_output=True, text=True, timeout=60
    )
    assert free.returncode == 0, free.stderr
    time.sleep(0.1)
    assert control.seen, "without the filter the engine connects: the test would catch it"


# -- input files ----------------------------------------------------------------------------


def test_rdfxml_depth_is_not_fooled_by_comments_or_cdata(tmp_path: Path, data_root: Path) -> None:
    head = (
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:ex="http://ex/">\n'
    )
    for name, opening in (
        ("comment", "<ex:a><!-- </ex:a> -->"),
        ("cdata", "<ex:a><![CDATA[</ex:a>]]>"),
    ):
        path = tmp_path / f"{name}.rdf"
        path.write_text(head + opening * 20_000 + "</ex:a>" * 20_000 + "</rdf:RDF>\n")
        started = time.monotonic()
        done = run_cli("--root", str(data_root), "validate", str(path))
        one_error(done)
        assert "nested deeper" in done.stderr
        assert time.monotonic() - started < 10


def test_external_entities_and_remote_contexts_are_refused(
    listener: Listener, tmp_path: Path, data_root: Path
) -> None:
    xxe = tmp_path / "xxe.rdf"
    xxe.write_text(
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "http://127.0.0.1:{listener.port}/">]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&e;</rdf:RDF>'
    )
    context = tmp_path / "context.jsonld"
    context.write_text(f'{{"@context": "http://127.0.0.1:{listener.port}/c", "@id": "http://a"}}')
    for path in (xxe, context):
        one_error(run_cli("--root", str(data_root), "validate", str(path)))


@pytest.fixture(scope="module")
def huge_token(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("huge") / "huge.ttl"
    path.write_text(f'<{KG}centre> <{KG}note> "{"a" * (17 << 20)}" .\n')
    return path


@pytest.mark.parametrize(
    "command", [["validate"], ["add", "--dry-run"], ["add"], ["diff", "OTHER"]], ids=" ".join
)
def test_a_token_over_16_mib_is_one_error(
    command: list[str], huge_token: Path, data_root: Path
) -> None:
    args = [part if part != "OTHER" else str(data_root / "kg" / "centre.ttl") for part in command]
    done = run_cli("--root", str(data_root), *args[:1], str(huge_token), *args[1:])
    one_error(done)
    assert "16 MiB" in done.stderr


def test_new_facts_with_subtags_or_file_iris_are_refused(tmp_path: Path, data_root: Path) -> None:
    subtag = tmp_path / "subtag.ttl"
    subtag.write_text(f'<{KG}centre> <http://www.w3.org/2000/01/rdf-schema#label> "x"@kk-Latn .\n')
    own_base = tmp_path / "base.ttl"
    own_base.write_text(f"@base <file:///etc/> .\n<passwd> <{KG}p> <{KG}centre> .\n")
    for path, cause in ((subtag, "language tag"), (own_base, "file: IRI")):
        done = run_cli("--root", str(data_root), "validate", str(path))
        one_error(done)
        assert cause in done.stderr


@pytest.fixture
def own_root(tmp_path: Path) -> Path:
    target = tmp_path / "root"
    shutil.copytree(FIXTURES / "root", target)
    return target


def test_dot_files_are_never_graph_files(own_root: Path, tmp_path: Path) -> None:
    (own_root / "kg" / ".hidden.ttl").write_text(f'<{KG}centre> <{KG}p> "hidden" .\n')
    query = 'ASK { ?s ?p "hidden" }'
    done = run_cli("--root", str(own_root), "query", query, "--format", "csv")
    assert done.stdout.split() == ["false"] or done.stdout.split()[-1] == "false", done


def test_a_kg_file_linked_from_outside_is_a_clear_error(own_root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.ttl"
    shutil.copy(own_root / "kg" / "centre.ttl", outside)
    (own_root / "kg" / "centre.ttl").unlink()
    (own_root / "kg" / "centre.ttl").symlink_to(outside)
    facts = tmp_path / "new.ttl"
    facts.write_text(f'<{KG}centre> <http://www.w3.org/2000/01/rdf-schema#comment> "x"@en .\n')
    done = run_cli("--root", str(own_root), "add", str(facts))
    one_error(done)
    assert "outside the data root" in done.stderr


def test_a_killed_writers_temporaries_are_dropped_by_the_next_reader(own_root: Path) -> None:
    strays = [own_root / "kg" / ".centre.ttl.k9x.tmp", own_root / ".sdgkg-journal.json.k9x.tmp"]
    for stray in strays:
        stray.write_text("half written")
    done = run_cli("--root", str(own_root), "query", "labels", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert not any(stray.exists() for stray in strays)


# -- the server -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, data_root: Path) -> Iterator[tuple[str, Peer]]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    args = [*sdgkg_command(), "--root", str(data_root), "serve", "--port", "0", "--workers", "2"]
    args += ["--timeout", "3", "--request-timeout", "2", "--max-memory", "400"]
    args += ["--allow-host", "kg.example.org"]
    peer = Peer(args, log, env=environment())
    url = peer.announced_url()
    yield url.rstrip("/"), peer
    peer.stop()


def request(
    url: str, method: str = "GET", path: str = "/", body: bytes | None = None, **headers: str
) -> tuple[int, dict[str, str], bytes]:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def sparql_path(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


@pytest.mark.parametrize("name", ATTACK_NAMES)
def test_server_query_attacks_are_refused(
    name: str, listener: Listener, server: tuple[str, Peer]
) -> None:
    url, peer = server
    body = urllib.parse.urlencode({"query": attacks(listener.port)[name]}).encode()
    status, headers, text = request(
        url, "POST", "/sparql", body, **{"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert 400 <= status < 500, (status, text[:300])
    assert text.startswith(b"Error: "), text[:300]
    assert "Traceback" not in peer.output()


def test_server_workers_survive_and_are_sandboxed(server: tuple[str, Peer]) -> None:
    url, peer = server
    status, _, _ = request(url, path=sparql_path("ASK { ?s ?p ?o }"), Accept="text/csv")
    assert status == 200
    group = os.getpgid(peer.process.pid)
    workers = [pid for pid in _group(group) if pid != peer.process.pid]
    assert len(workers) >= 3  # the zygote and two workers
    for pid in workers:
        assert "Seccomp:\t2" in Path(f"/proc/{pid}/status").read_text()
    assert "crashed" not in peer.output() and "died" not in peer.output()


def _group(group: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[2]) == group:
                    found.append(int(entry.name))
    return found


def test_server_memory_limit_is_a_clear_error(server: tuple[str, Peer]) -> None:
    url, _ = server
    doubling = " ".join(
        [f'BIND("{"x" * 1000}" AS ?v0)']
        + [f"BIND(CONCAT(?v{i - 1}, ?v{i - 1}) AS ?v{i})" for i in range(1, 24)]
    )
    query = f"SELECT (STRLEN(?v23) AS ?n) {{ {doubling} }}"
    status, _, text = request(url, path=sparql_path(query), Accept="text/csv")
    assert status == 503, text[:300]
    assert request(url, path=sparql_path("ASK {}"), Accept="text/csv")[0] == 200


def test_server_from_one_file_sees_that_file_only(
    server: tuple[str, Peer], data_root: Path
) -> None:
    url, _ = server
    own = len(list(ox.parse(path=str(data_root / "kg" / "centre.ttl"))))
    query = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}kg/centre.ttl> {{ ?s ?p ?o }}"
    status, _, text = request(url, path=sparql_path(query), Accept="text/csv")
    assert status == 200
    assert text.decode().split() == ["n", str(own)]


def test_unsafe_iris_are_never_links(server: tuple[str, Peer]) -> None:
    url, _ = server
    query = "SELECT ?x { VALUES ?x { <javascript:alert(1)> <data:text/html,hi> <JavaScript:x> } }"
    status, _, page = request(url, path=sparql_path(query), Accept="text/html")
    assert status == 200
    lowered = page.decode().lower()
    assert "javascript:alert" in lowered  # shown ...
    assert 'href="javascript:' not in lowered and 'href="data:' not in lowered  # ... not linked


@pytest.mark.parametrize(
    "path",
    [
        "/id/a%20b",
        "/id/%3Cscript%3E",
        "/id/%ff",
        "/sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri",
        "/sparql?query=ASK%7B%7D&named-graph-uri=%3Cx%3E",
        "/static/../../../etc/passwd",
    ],
)
def test_bad_names_are_4xx_with_one_line(path: str, server: tuple[str, Peer]) -> None:
    url, peer = server
    status, headers, text = request(url, path=path, Accept="text/turtle")
    assert status in (400, 404), (status, text[:300])
    assert text.decode().startswith("Error: ") and "Traceback" not in peer.output()


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "FOO", "PUT", "DELETE"])
def test_other_methods_get_the_documented_405(method: str, server: tuple[str, Peer]) -> None:
    url, _ = server
    status, headers, text = request(url, method, "/", Accept="text/plain")
    assert status == 405
    assert headers["content-type"].startswith("text/plain")
    assert text.startswith(b"Error: ")


def test_allowed_host_names_are_answered_on_any_port(server: tuple[str, Peer]) -> None:
    url, _ = server
    assert request(url, path="/", Host="kg.example.org:443")[0] == 200
    assert request(url, path="/", Host="kg.example.org")[0] == 200
    assert request(url, path="/", Host="evil.example:443")[0] == 403
    assert request(url, path="/", Host="kg.example.org.evil:443")[0] == 403


def test_a_slow_request_is_cut_off(server: tuple[str, Peer]) -> None:
    url, _ = server
    parts = urllib.parse.urlsplit(url)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        with contextlib.suppress(OSError):
            for index in range(20):  # a header line every half second: 10 s if never cut
                time.sleep(0.5)
                sock.sendall(f"X-Slow-{index}: 1\r\n".encode())
            sock.recv(1)
    assert time.monotonic() - started < 6


def test_held_protections_still_hold(server: tuple[str, Peer]) -> None:
    url, _ = server
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    update = urllib.parse.urlencode({"update": "INSERT DATA { <a:a> <a:b> <a:c> }"}).encode()
    assert request(url, "POST", "/sparql", update, **form)[0] == 403
    # Answered from the headers alone: the body is never waited for.
    too_long = {**form, "Content-Length": str(2 << 20)}
    assert request(url, "POST", "/sparql", None, **too_long)[0] == 413
    assert request(url, "POST", "/sparql", b"query=\xff\xfe", **form)[0] == 400
    assert request(url, path="/", Host="attacker.example")[0] == 403
    query = 'SELECT ?x { BIND("<script>alert(1)</script>" AS ?x) }'
    page = request(url, path=sparql_path(query), Accept="text/html")[2]
    assert b"<script>alert" not in page and b"&lt;script&gt;" in page


def test_many_clients_at_once(server: tuple[str, Peer]) -> None:
    url, _ = server
    statuses: list[int] = []

    def one() -> None:
        statuses.append(request(url, path=sparql_path("ASK { ?s ?p ?o }"), Accept="text/csv")[0])

    threads = [threading.Thread(target=one) for _ in range(100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses.count(200) == 100


# -- generated attacks ----------------------------------------------------------------------

TRICKS = st.sampled_from(
    [
        *("#", "#x", "\n", "\r", "\r\n", " ", '"', "'", "'''", '"""', "\\", "\\u0022", "\\u0027"),
        *("\\u000A", "\\u000D", "\\u0023", "\\u003C", "\\u003E", "{", "}", "(", ")", "<", ">"),
        *('BIND("', '" AS ?x)', "BIND('", "' AS ?y)", "?s ?p ?o", "FILTER(", "\\u005C"),
    ]
)
# Around the call, something that may open a string or a comment and something that may end
# it, spelt plainly or escaped, with noise between: the screen and the engine must agree on
# whether the call is hidden.
OPENERS = st.sampled_from(["#", "#x", '"', "'", '"\\u0022', "'\\u0027", "'''", '"""', "<", "\\"])
CLOSERS = st.sampled_from(["\r", "\n", "\r\n", "\\u000D", "\\u000A", '"', "'", "\\u0022", ">"])
FILLS = st.sampled_from(["", " ", "x", " #", "\\", "\\u005C", "\\u0022"])
NOISE = st.builds(
    lambda before, opener, fill, closer: before + opener + fill + closer,
    st.lists(TRICKS, max_size=3).map("".join),
    OPENERS,
    FILLS,
    CLOSERS,
)
CALLS = st.sampled_from(
    ["SERVICE ", "SERVICE SILENT ", "service silent ", "SERVI\\u0043E ", "SERVICE\r"]
)
SHAPES = [
    "ASK {{ {a}{call}<URL/a> {{ }} {b} }}",
    "SELECT * {{ {a} {call} <URL/a> {{ ?s ?p ?o }} }} {b}",
    "SELECT * FROM <URL/d> {a} WHERE {{ {b} }}",
    "SELECT * {a} FROM NAMED <URL/g> {b} {{ }}",
    "{a}LOAD <URL/d>{b}",
]
TARGETED = st.builds(
    lambda shape, a, call, b: shape.format(a=a, call=call, b=b),
    st.sampled_from(SHAPES),
    NOISE,
    CALLS,
    NOISE,
)
PIECES = st.lists(
    st.one_of(TRICKS, CALLS, st.sampled_from(["<URL/a>", "ASK ", "{ }", "LOAD ", "FROM "])),
    min_size=1,
    max_size=30,
).map("".join)
QUERIES = st.one_of(TARGETED, PIECES)


@given(query=QUERIES)
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_generated_queries_never_reach_the_outside(query: str, listener: Listener) -> None:
    text = query.replace("URL", f"http://127.0.0.1:{listener.port}")
    try:
        screened = screen(text)
    except QueryError:
        return
    # What passes the screen runs, here, in a process without seccomp: only the screen's
    # reading stands between the engine and the listener. The original text too: the
    # screen must read it as the engine does, not only make its own normal form safe.
    for passed in (screened.text, text):
        with contextlib.suppress(SyntaxError, RuntimeError, OSError, ValueError):
            result = ox.Store().query(passed)
            if not isinstance(result, ox.QueryBoolean):
                list(result)  # type: ignore[call-overload]
    assert listener.seen == [], text


@given(query=QUERIES)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_generated_queries_over_http(
    query: str, listener: Listener, server: tuple[str, Peer]
) -> None:
    url, _ = server
    text = query.replace("URL", f"http://127.0.0.1:{listener.port}")
    status, _, _ = request(url, path=sparql_path(text), Accept="text/csv")
    assert status in (200, 400), (status, text)
    assert listener.seen == [], text


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_out_of_descriptors_the_server_waits_instead_of_spinning(server: tuple[str, Peer]) -> None:
    import resource

    url, peer = server
    parts = urllib.parse.urlsplit(url)
    pid = peer.process.pid
    old = resource.prlimit(pid, resource.RLIMIT_NOFILE)
    resource.prlimit(pid, resource.RLIMIT_NOFILE, (48, old[1]))
    held: list[socket.socket] = []
    try:
        for _ in range(80):  # more than the server can accept
            with contextlib.suppress(OSError):
                held.append(socket.create_connection((parts.hostname, parts.port), timeout=2))
        time.sleep(0.3)
        before = _cpu_seconds(pid)
        time.sleep(1.5)
        # A spinning accept loop burns a CPU (measured here, on a busy machine: 0.4 s of the
        # 1.5); waiting for descriptors costs next to nothing.
        assert _cpu_seconds(pid) - before < 0.15
    finally:
        for sock in held:
            sock.close()
        resource.prlimit(pid, resource.RLIMIT_NOFILE, old)
    time.sleep(0.5)
    assert request(url, path=sparql_path("ASK {}"), Accept="text/csv")[0] == 200


def test_without_the_kernel_mechanism_one_warning_and_the_screen_stays(
    tmp_path: Path, data_root: Path, listener: Listener
) -> None:
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "pyseccomp.py").write_text("raise ImportError('libseccomp is not installed')\n")
    env = environment()
    env["PYTHONPATH"] = f"{fake}{os.pathsep}{env['PYTHONPATH']}"
    query = attacks(listener.port)["service-after-cr-comment"]
    done = subprocess.run(
        [*sdgkg_command(), "--root", str(data_root), "query", query],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert lines[0].startswith("Warning: network denial unavailable")
    assert sum(line.startswith("Warning:") for line in lines) == 1
    assert lines[1].startswith("Error: SERVICE is refused")


def test_kill_9_during_add_leaves_the_graph_whole_and_no_strays(
    own_root: Path, tmp_path: Path
) -> None:
    facts = tmp_path / "new.ttl"
    facts.write_text(f'<{KG}centre> <http://www.w3.org/2000/01/rdf-schema#comment> "x"@en .\n')
    before = (own_root / "kg" / "centre.ttl").read_bytes()
    for delay in (0.2, 0.4, 0.6, 0.8):
        process = subprocess.Popen(
            [*sdgkg_command(), "--root", str(own_root), "add", str(facts)],
            env=environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.kill()
        process.wait()
        done = run_cli("--root", str(own_root), "query", "labels", "--format", "csv")
        assert done.returncode == 0, done.stderr
        assert not list(own_root.rglob("*.tmp")), list(own_root.rglob("*.tmp"))
        after = (own_root / "kg" / "centre.ttl").read_bytes()
        assert after == before or b'"x"@en' in after
