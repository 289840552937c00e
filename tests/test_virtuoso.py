"""`push` and `query --endpoint` against a real Virtuoso (Debian's virtuoso-opensource-7-bin),
started on free ports of 127.0.0.1 with a database of its own, exactly as the README says:
HTTP Digest credentials from the environment or a netrc file, every named query giving the
embedded rows, and one-line errors for missing or wrong credentials."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sdgkg import run_query
from sdgkg.store.engine import EmbeddedEngine
from sdgkg.store.graph import dump_graphs, load_graph
from sdgkg.store.remote import RemoteEngine
from tests.conftest import REPO
from tests.peers import Peer, free_port
from tests.test_remote import EMPTY_ON_THE_REAL_GRAPH, EXAMPLE_PARAMS, NAMES, _same
from tests.tools import require_tool

README = (REPO / "README.md").read_text(encoding="utf-8")
SECTION = README.split("**Virtuoso**", 1)[1].split("**QLever**", 1)[0]


def readme_ini() -> str:
    return re.search(r"```ini\n(.*?)```", SECTION, flags=re.DOTALL).group(1)  # type: ignore[union-attr]


def readme_commands() -> list[str]:
    block = re.search(r"```text\n(mkdir.*?)```", SECTION, flags=re.DOTALL)
    assert block, "the README's Virtuoso section has no command block"
    return [line for line in block.group(1).splitlines() if line.strip()]


class Virtuoso:
    """The README's Virtuoso, on free ports: its base URL, ports and the user it created."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.http, self.sql = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.http}"
        self.env: dict[str, str] = {}
        self.peer: Peer | None = None

    def on_our_ports(self, text: str) -> str:
        return text.replace("127.0.0.1:8890", f"127.0.0.1:{self.http}").replace(
            "127.0.0.1:1111", f"127.0.0.1:{self.sql}"
        )

    def run_readme(self, until: str) -> None:
        """Run the README's lines in order up to (not including) the first starting `until`."""
        (self.folder / "virtuoso.ini").write_text(self.on_our_ports(readme_ini()))
        for line in map(self.on_our_ports, readme_commands()):
            if line.startswith(until):
                return
            self.run_line(line)

    def run_line(self, line: str) -> subprocess.CompletedProcess[str] | None:
        words = shlex.split(line.removesuffix("&"))
        if words[0] == "export":
            self.env.update(word.split("=", 1) for word in words[1:])
            return None
        if line.endswith("&"):
            self.peer = Peer(words, self.folder / "server.log")  # in the folder: see the fixture
            return None
        if words[0] == "sdgkg":
            words = [sys.executable, "-m", "sdgkg", "--root", str(REPO), *words[1:]]
        done = subprocess.run(
            words,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, **self.env},
        )
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
        return done


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    require_tool("virtuoso-t", wanted_by=__name__)
    require_tool("isql-vt", wanted_by=__name__)
    folder = tmp_path_factory.mktemp("virtuoso")
    found = Virtuoso(folder)
    cwd = os.getcwd()
    os.chdir(folder)  # Virtuoso reads the ini's relative paths from where it starts
    try:
        found.run_readme(until="isql")
        assert found.peer is not None and found.peer.process.args[0] == "virtuoso-t"
        found.peer.wait_for(found.base + "/sparql?query=ASK%7B%7D", timeout=120)
        _create_user(found)
        yield found
    finally:
        os.chdir(cwd)
        if found.peer:
            found.peer.stop()


def _create_user(found: Virtuoso) -> None:
    # The README's next line; the server may still be opening its SQL port when HTTP answers.
    line = next(x for x in map(found.on_our_ports, readme_commands()) if x.startswith("isql"))
    for _ in range(30):
        try:
            found.run_line(line)
            return
        except AssertionError:
            time.sleep(1)
    found.run_line(line)


def test_the_readme_commands_push_and_query_with_digest_credentials(virtuoso: Virtuoso) -> None:
    lines = [virtuoso.on_our_ports(x) for x in readme_commands()]
    start = next(i for i, x in enumerate(lines) if x.startswith("export"))
    virtuoso.run_line(lines[start])
    assert virtuoso.env == {"SDGKG_USER": "sdgkg", "SDGKG_PASSWORD": "change-me"}
    pushed = virtuoso.run_line(lines[start + 1])
    assert pushed is not None
    graphs = len(dump_graphs(REPO))
    assert pushed.stderr.startswith(f"Pushed {_pushed_triples()} triples to {graphs} named graphs")
    queried = virtuoso.run_line(lines[start + 2])
    assert queried is not None
    expected = run_query("pillars", root=REPO)
    assert queried.stdout.splitlines()[0] == ",".join(expected.variables)
    assert len(queried.stdout.splitlines()) == len(expected.rows) + 1


def _pushed_triples() -> int:
    return sum(data.count(b"\n") for data in dump_graphs(REPO).values())


@pytest.fixture(scope="module")
def pushed(virtuoso: Virtuoso) -> Virtuoso:
    """The graph pushed with the README's credentials, each file into its own named graph;
    Virtuoso reads the union of its graphs when a query names none."""
    from sdgkg.store.remote import push_graphs

    env = {"SDGKG_USER": "sdgkg", "SDGKG_PASSWORD": "change-me"}
    with _environment(env):
        push_graphs(virtuoso.base + "/sparql-graph-crud-auth", dump_graphs(REPO))
    return virtuoso


@pytest.mark.parametrize("name", NAMES)
def test_every_named_query_gives_the_embedded_rows(name: str, pushed: Virtuoso) -> None:
    from sdgkg.query.named import resolve_query

    params = EXAMPLE_PARAMS.get(name, {})
    embedded = EmbeddedEngine(load_graph(REPO))
    expected = run_query(name, params, root=REPO, engine=embedded)
    remote = RemoteEngine(pushed.base + "/sparql")
    got = run_query(name, params, root=REPO, engine=remote)
    text = resolve_query(name, REPO).text
    assert _same(got, text) == _same(expected, text)
    if not name.startswith("checks/") and name not in EMPTY_ON_THE_REAL_GRAPH:
        assert got.rows


def test_queries_through_the_digest_endpoint_and_a_netrc_file(pushed: Virtuoso, tmp_path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login sdgkg password change-me\n")
    netrc.chmod(0o600)
    done = _sdgkg(
        [
            "query",
            "centre-names",
            "--endpoint",
            pushed.base + "/sparql-auth",
        ],
        {"NETRC": str(netrc)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == _sdgkg(["query", "centre-names"], {}).stdout


@pytest.mark.parametrize(
    ("env", "error", "hint"),
    [
        (
            {},
            "refused the graph: HTTP 401 Unauthorized (needs credentials)",
            "Hint: set $SDGKG_USER",
        ),
        (
            {"SDGKG_USER": "sdgkg", "SDGKG_PASSWORD": "wrong"},
            "refused the graph: HTTP 401",
            "Hint: check the user and password from $SDGKG_USER/$SDGKG_PASSWORD",
        ),
        ({"SDGKG_USER": "sdgkg"}, "Error: $SDGKG_PASSWORD is not set", "Hint: set both"),
    ],
)
def test_missing_or_wrong_credentials_are_one_line(virtuoso: Virtuoso, env, error, hint) -> None:
    url = virtuoso.base + "/sparql-graph-crud-auth"
    done = _sdgkg(["push", "--endpoint", url, "--graph", "https://example.org/g"], env)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and error in lines[0] and lines[1].startswith(hint), done.stderr


def test_basic_credentials_sent_first_when_asked(virtuoso: Virtuoso) -> None:
    # A Graph Store path that takes HTTP Basic (Virtuoso challenges with Digest only, so Basic
    # credentials go with the first request: SDGKG_AUTH=basic).
    define = (
        "DB.DBA.VHOST_DEFINE(lhost=>'*ini*', vhost=>'*ini*', lpath=>'/graph-basic', "
        "ppath=>'/!sparql-graph-crud/', is_dav=>1, vsp_user=>'dba', sec=>'basic', "
        "realm=>'SPARQL', auth_fn=>'DB.DBA.HP_AUTH_SPARQL_USER', "
        "opts=>vector('noinherit', 1, 'exec_as_get', 1));"
    )
    virtuoso.run_line(f'isql-vt 127.0.0.1:{virtuoso.sql} dba dba "exec={define}"')
    url = virtuoso.base + "/graph-basic"
    env = {"SDGKG_USER": "sdgkg", "SDGKG_PASSWORD": "change-me", "SDGKG_AUTH": "basic"}
    done = _sdgkg(["push", "--endpoint", url, "--graph", "https://example.org/basic"], env)
    assert done.returncode == 0, done.stderr
    remote = RemoteEngine(virtuoso.base + "/sparql", default_graph="https://example.org/basic")
    assert remote.query("SELECT * WHERE { kg:centre a ?type }").rows
    wrong = _sdgkg(
        ["push", "--endpoint", url, "--graph", "https://example.org/basic"],
        {**env, "SDGKG_PASSWORD": "wrong"},
    )
    assert wrong.returncode == 2 and "HTTP 401" in wrong.stderr


def _sdgkg(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SDGKG_USER", "SDGKG_PASS"))}
    clean.setdefault("NETRC", os.devnull)  # never the user's own ~/.netrc
    return subprocess.run(
        [sys.executable, "-m", "sdgkg", "--root", str(REPO), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**clean, **env},
    )


class _environment:
    def __init__(self, values: dict[str, str]) -> None:
        self.values, self.saved = values, {}

    def __enter__(self) -> None:
        self.saved = {k: os.environ.get(k) for k in self.values}
        os.environ.update(self.values)

    def __exit__(self, *exc: object) -> None:
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
