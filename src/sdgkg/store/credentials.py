"""Credentials for remote SPARQL servers, never on the command line.

Where they come from, first found wins:

1. `$SDGKG_USER` and `$SDGKG_PASSWORD` (both set);
2. the netrc file, `$NETRC` or else `~/.netrc`: the `machine` entry of the server's host name
   (or the `default` entry), as curl and git read it.

They are sent only to the server the command names, and only when it asks: the opener answers
an HTTP Basic or Digest challenge (401 with `WWW-Authenticate`) with them, and `Answerer`
answers one for a request sdgkg sends itself. `$SDGKG_AUTH=basic` sends Basic credentials with
the first request instead, for servers that accept Basic without challenging for it (a Basic
password crosses the network readable unless the URL is https).
"""

from __future__ import annotations

import base64
import netrc
import os
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sdgkg.errors import InputError

USER_ENV, PASSWORD_ENV, AUTH_ENV = "SDGKG_USER", "SDGKG_PASSWORD", "SDGKG_AUTH"


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = ""
    source: str = ""  # where they came from, to name it in errors

    def __repr__(self) -> str:  # never print the password
        return f"Credentials(user={self.user!r}, source={self.source!r})"


def credentials_for(url: str) -> Credentials | None:
    """The credentials for `url`'s host, from the environment or the netrc file, if any."""
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if user and password is not None:
        return Credentials(user, password, f"${USER_ENV}/${PASSWORD_ENV}")
    if user or password:
        missing = PASSWORD_ENV if user else USER_ENV
        raise InputError(f"${missing} is not set", hint=f"set both ${USER_ENV} and ${PASSWORD_ENV}")
    return _from_netrc(urllib.parse.urlsplit(url).hostname or "")


def _from_netrc(host: str) -> Credentials | None:
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except (netrc.NetrcParseError, OSError) as exc:
        raise InputError(f"{path}: cannot read it ({exc})") from None
    if entry is None:
        return None
    login, _, password = entry
    return Credentials(login, password or "", str(path))


def opener_for(url: str) -> urllib.request.OpenerDirector:
    """A urllib opener for `url` that answers Basic and Digest challenges with the credentials
    for its host (a plain opener when there are none)."""
    found = credentials_for(url)
    if found is None:
        return urllib.request.build_opener()
    scheme = os.environ.get(AUTH_ENV, "").strip().lower()
    if scheme not in ("", "basic", "digest"):
        raise InputError(f"${AUTH_ENV}: '{scheme}' is not basic or digest")
    parts = urllib.parse.urlsplit(url)
    server = f"{parts.scheme}://{parts.netloc}/"  # this server only, any path on it
    passwords = urllib.request.HTTPPasswordMgrWithPriorAuth()
    prior = scheme == "basic"
    passwords.add_password(None, server, found.user, found.password, is_authenticated=prior)
    handlers: list[urllib.request.BaseHandler] = []
    # Digest first: urllib's Basic handler raises on a Digest challenge, not the other way.
    if scheme in ("", "digest"):
        handlers.append(urllib.request.HTTPDigestAuthHandler(passwords))
    if scheme in ("", "basic"):
        handlers.append(urllib.request.HTTPBasicAuthHandler(passwords))
    return urllib.request.build_opener(*handlers)


def first_authorization(url: str) -> str | None:
    """The Authorization header to send unasked: Basic credentials when `$SDGKG_AUTH=basic`."""
    found = credentials_for(url)
    if found is None or os.environ.get(AUTH_ENV, "").strip().lower() != "basic":
        return None
    return _basic(found)


def _basic(found: Credentials) -> str:
    return "Basic " + base64.b64encode(f"{found.user}:{found.password}".encode()).decode("ascii")


class Answerer:
    """Answers one server's Basic or Digest challenges for the requests of one command (a
    Digest answer counts its uses of the server's nonce, as the server expects)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.found = credentials_for(url)
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        if self.found:
            passwords.add_password(None, self.url, self.found.user, self.found.password)
        self._digest = urllib.request.HTTPDigestAuthHandler(passwords)

    def answer(self, challenge: str, method: str) -> str | None:
        """The Authorization header answering `challenge` (a WWW-Authenticate value) for
        `method` on the URL, or None without credentials."""
        if self.found is None:
            return None
        scheme, _, parameters = challenge.strip().partition(" ")
        if scheme.lower() == "basic":
            return _basic(self.found)
        if scheme.lower() == "digest":
            fields = urllib.request.parse_keqv_list(
                [f for f in urllib.request.parse_http_list(parameters) if "=" in f]
            )
            request = urllib.request.Request(self.url, method=method)
            answer = self._digest.get_authorization(request, fields)
            if answer:
                return "Digest " + answer
        raise InputError(f"{self.url} asks for an authentication sdgkg lacks: {challenge}")


def refused_hint(url: str) -> str:
    """What to do when the server answers 401 or 403."""
    found = credentials_for(url)
    if found is None:
        return f"set ${USER_ENV} and ${PASSWORD_ENV}, or add the host to ~/.netrc (or $NETRC)"
    return f"check the user and password from {found.source}, and that the user may do this"
