"""Starting and stopping real peer processes (servers) on 127.0.0.1 free ports for tests."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path


def free_port() -> int:
    """A port the OS says is free now (a server started right after almost always gets it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Peer:
    """A server process in its own process group, stopped with the whole group."""

    def __init__(
        self,
        args: Sequence[str],
        log: Path,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.log = log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            list(args),
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
            cwd=cwd,
        )

    def wait_for(self, url: str, timeout: float = 30) -> None:
        """Wait until `url` answers any HTTP status; fail with the server's log if it dies."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.output()}")
            try:
                urllib.request.urlopen(url, timeout=2).close()
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer {url} in {timeout} s:\n{self.output()}")

    def announced_url(self, timeout: float = 60) -> str:
        """The URL a `sdgkg serve` prints when it is ready ("Serving sdgkg on URL ...")."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(r"Serving sdgkg on (http://\S+/)", self.output())
            if match:
                return match.group(1)
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.output()}")
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"server did not start in {timeout} s:\n{self.output()}")

    def output(self) -> str:
        self._log_file.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """SIGTERM the group, then SIGKILL whatever of it is left (workers included)."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                continue
        self._log_file.close()


def start_sdgkg_serve(log: Path, *options: str) -> tuple[Peer, str]:
    """`sdgkg serve --port 0 OPTIONS` as a real process; returns it and its URL."""
    peer = Peer([sys.executable, "-m", "sdgkg", "serve", "--port", "0", *options], log)
    return peer, peer.announced_url()
