"""Network denial below Python: a seccomp filter, and a memory ceiling, for query processes.

The query screen reads SPARQL text; if it ever reads it differently from the engine, the
engine (Rust code, invisible to the audit hook in `network`) could open a connection itself.
`deny_network()` makes that impossible whatever the text says: it installs a seccomp filter
(through libseccomp, via the `pyseccomp` binding) under which this process and every process
it later forks get EACCES from

- `socket(AF_INET | AF_INET6, ...)`: seccomp sees only a system call's register arguments, not
  the address a `connect()` points to, so the family is checked where a socket is *made*.
  Local sockets (AF_UNIX, `socketpair`) still work: the server's workers talk over them.
  Sockets that already exist (a server's listening socket) keep working;
- `io_uring_setup`: io_uring can make sockets and connect without those system calls.

The filter cannot be removed once installed (seccomp's rule); that is the point, so it is
only ever installed in a process that needs no network for the rest of its life: the query
workers of `serve` and the CLI commands that work on local files.

Where the mechanism is missing (no libseccomp, a kernel or container that refuses filters,
another OS), `deny_network` says so once on stderr and returns False: the query screen and
the audit hook remain the protection.
"""

from __future__ import annotations

import errno
import os
import resource
import socket
import sys

from sdgkg.errors import InputError, QueryError

_state: dict[str, bool] = {}  # "denied" once installed, "warned" once the warning is out
MEMORY_ENV = "SDGKG_MAX_MEMORY"
DEFAULT_MAX_MEMORY = 2 << 30  # bytes a query process may map (2 GiB)


def deny_network() -> bool:
    """Forbid new internet sockets in this process and its future children; True if done."""
    if _state.get("denied"):
        return True
    try:
        _install_filter()
    except (ImportError, OSError, RuntimeError, ValueError) as exc:
        _warn_once(f"network denial unavailable ({exc}); relying on the query screen")
        return False
    _state["denied"] = True
    return True


def _install_filter() -> None:
    import pyseccomp as seccomp  # ctypes over the system's libseccomp.so.2

    refuse = seccomp.ERRNO(errno.EACCES)
    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    # Every thread of the process, not just the caller (the engine may own threads).
    rules.set_attr(seccomp.Attr.CTL_TSYNC, 1)
    for family in (socket.AF_INET, socket.AF_INET6):
        rules.add_rule(refuse, "socket", seccomp.Arg(0, seccomp.EQ, family))
    rules.add_rule(refuse, "io_uring_setup")
    rules.load()  # also sets no_new_privs, which an unprivileged filter requires


def network_denied() -> bool:
    """True once `deny_network` has installed the filter in this process."""
    return bool(_state.get("denied"))


def _warn_once(message: str) -> None:
    if not _state.get("warned"):
        _state["warned"] = True
        print(f"Warning: {message}", file=sys.stderr, flush=True)


def limit_memory(max_bytes: int | None) -> None:
    """Cap the data (heap and private mappings) of this process and its children at
    `max_bytes`; 0/None: no cap. RLIMIT_DATA rather than RLIMIT_AS: reserved but unused
    address space (thread stacks, allocator arenas) does not count against it.

    Past the cap an allocation fails: Python raises MemoryError, the engine aborts the
    process; callers run queries where either becomes one clear error (a worker process)."""
    if not max_bytes:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY and hard < max_bytes:
        max_bytes = hard
    resource.setrlimit(resource.RLIMIT_DATA, (max_bytes, hard))


def memory_limit(mebibytes: int | None = None) -> int | None:
    """Bytes from an option in MiB, else $SDGKG_MAX_MEMORY (MiB), else 2 GiB; 0 means None."""
    if mebibytes is None:
        raw = os.environ.get(MEMORY_ENV, "").strip()
        if not raw:
            return DEFAULT_MAX_MEMORY
        if not raw.isdigit():
            raise InputError(f"${MEMORY_ENV}: '{raw}' is not a whole number of MiB")
        mebibytes = int(raw)
    return mebibytes << 20 or None


def memory_error(max_bytes: int | None) -> QueryError:
    """The error for a query that needed more memory than the cap allows."""
    size = f"{max_bytes >> 20} MiB" if max_bytes else "the available memory"
    return QueryError(
        f"query stopped: it needed more than {size} of memory",
        hint=f"simplify it, or raise --max-memory (or ${MEMORY_ENV})",
    )
