"""One SPARQL lexer, in linear time, and the normal form of a query that the engine receives.

The query screen must read a query exactly as the engine will. Two readings drift apart on
escapes and line ends (a `\\u0022` the engine keeps inside a string, a comment a CR ends), so
the screen does not try to imitate the engine: it reads the text once, into tokens, and
rebuilds a *normal form* that has nothing left to interpret:

- comments become one space (a comment ends at CR or LF, as in the grammar);
- `\\u`/`\\U` escapes are decoded inside string literals (re-escaped as `\\"`, `\\n`... where
  the character would end or break the string) and inside IRIs (where a character an IRI
  may not hold is refused); anywhere else they are refused;
- everything else is kept as written.

The screen checks that normal form's tokens, and callers hand the engine that very text.
What the lexer cannot read (an unterminated string, an unknown character, a bad escape) is
refused rather than guessed at.

Linear time: every token pattern uses possessive quantifiers, so a failed attempt never
re-scans, and an unreadable position ends the reading at once (no retry one character
further on, which is what made the old screen quadratic).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from sdgkg.errors import QueryError, SparqlSyntaxError

_HEX4, _HEX8 = r"\\u[0-9A-Fa-f]{4}", r"\\U[0-9A-Fa-f]{8}"
_IRI_CHAR = r"[^<>\"{}|^`\\\x00-\x20]"
_NAME_START = r"[^\W\d_]"
_LOCAL_ESCAPE = r"\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL_CHAR = rf"(?:[\w\-:]|%[0-9A-Fa-f]{{2}}|{_LOCAL_ESCAPE})"

# One alternative per token kind, tried in this order at each position.
_KINDS = (
    ("space", r"[ \t\r\n]++"),
    ("comment", r"\#[^\r\n]*+"),
    ("string", r"'''(?:(?:''|')?+(?:[^'\\]|\\.))*+'''"),
    ("string", r'"""(?:(?:""|")?+(?:[^"\\]|\\.))*+"""'),
    ("string", r"'(?:[^'\\\r\n]|\\.)*+'"),
    ("string", r'"(?:[^"\\\r\n]|\\.)*+"'),
    ("iri", rf"<(?:{_IRI_CHAR}|{_HEX4}|{_HEX8})*+>"),
    ("var", r"[?$]\w++"),
    ("bnode", r"_:\w(?:[\w\-]|\.++(?=[\w\-]))*+"),
    (
        "pname",
        rf"(?:{_NAME_START}(?:[\w\-]|\.++(?=[\w\-]))*+)?+:"
        rf"(?:{_LOCAL_CHAR}(?:{_LOCAL_CHAR}|\.++(?={_LOCAL_CHAR}))*+)?+",
    ),
    ("word", r"[A-Za-z_]\w*+"),
    ("lang", r"@[A-Za-z]++(?:-[A-Za-z0-9]++)*+"),
    ("number", r"(?:[0-9]++(?:\.[0-9]++)?+|\.[0-9]++)(?:[eE][+\-]?+[0-9]++)?+"),
    ("punct", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;*+\-/!=<>^|?]"),
)
_TOKEN = re.compile("|".join(f"(?P<{kind}{i}>{rx})" for i, (kind, rx) in enumerate(_KINDS)))
_KIND_OF = {f"{kind}{i}": kind for i, (kind, _rx) in enumerate(_KINDS)}
_UNICODE_ESCAPE = re.compile(rf"{_HEX4}|{_HEX8}")
_STRING_ESCAPE = re.compile(rf"{_HEX4}|{_HEX8}|\\[tbnrf\"'\\]|\\")
_REESCAPED = {'"': '\\"', "'": "\\'", "\\": "\\\\", "\n": "\\n", "\r": "\\r"}


class Token(NamedTuple):
    kind: str  # space, comment, string, iri, var, bnode, pname, word, lang, number, punct
    text: str  # as normalised (comments are " ", escapes decoded)
    start: int  # offset in the original text


def tokens(sparql: str) -> Iterator[Token]:
    """The tokens of `sparql`, normalised; QueryError where the text cannot be read."""
    # The scanner goes on from where its last match ended; it never skips a character.
    scanner, position, end = _TOKEN.scanner(sparql), 0, len(sparql)  # type: ignore[attr-defined]
    kind_of = _KIND_OF
    while position < end:
        match = scanner.match()
        if match is None:
            if sparql[position] in "\"'":  # a quote that no closing quote matches
                raise _unclosed_string(sparql, position)
            raise _unreadable(sparql, position, "unexpected character")
        kind = kind_of[match.lastgroup or ""]
        text = match.group()
        if kind == "comment":
            text = " "
        elif kind == "string" and "\\" in text:
            text = _normal_string(sparql, position, text)
        elif kind == "iri" and "\\" in text:
            text = _normal_iri(sparql, position, text)
        yield Token(kind, text, position)
        position = match.end()


def normalise(sparql: str) -> tuple[str, list[Token]]:
    """The normal form of `sparql` and its significant tokens (no spaces or comments)."""
    parts: list[str] = []
    significant: list[Token] = []
    for token in tokens(sparql):
        parts.append(token.text)
        if token.kind not in ("space", "comment"):
            significant.append(token)
    return "".join(parts), significant


def _normal_string(sparql: str, position: int, text: str) -> str:
    quote = 3 if text[:3] in ("'''", '"""') else 1
    body = text[quote:-quote]
    if "\\" not in body:
        return text

    def decoded(match: re.Match[str]) -> str:
        escape = match.group()
        if escape == "\\":
            raise _unreadable(sparql, position, "a backslash that starts no escape in a string")
        if escape[1] in "uU":
            char = _code_point(sparql, position, escape)
            return _REESCAPED.get(char, char)
        return escape  # \t \n \" ... stay as they are: the engine reads them the same way

    return text[:quote] + _STRING_ESCAPE.sub(decoded, body) + text[-quote:]


def _normal_iri(sparql: str, position: int, text: str) -> str:
    if "\\" not in text:
        return text

    def decoded(match: re.Match[str]) -> str:
        char = _code_point(sparql, position, match.group())
        if not re.fullmatch(_IRI_CHAR, char):
            raise _unreadable(sparql, position, f"an escaped {char!r} cannot be part of an IRI")
        return char

    return _UNICODE_ESCAPE.sub(decoded, text)


def _code_point(sparql: str, position: int, escape: str) -> str:
    value = int(escape[2:], 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        raise _unreadable(sparql, position, f"{escape} is not a character")
    return chr(value)


def _unreadable(sparql: str, position: int, why: str) -> QueryError:
    line, column = _place(sparql, position)
    return SparqlSyntaxError(
        f"the query cannot be read with certainty at line {line}: {why}",
        hint="write it without unusual escapes or characters",
        line=line,
        column=column,
    )


def _unclosed_string(sparql: str, position: int) -> QueryError:
    line, column = _place(sparql, position)
    message = f"invalid SPARQL at line {line}, column {column}: this string is not closed"
    return SparqlSyntaxError(message, line=line, column=column)


def _place(sparql: str, position: int) -> tuple[int, int]:
    """The 1-based line and column of `position`; CR, LF and CRLF each end a line."""
    before = sparql[:position]
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return line, position - start + 1


def is_opening(token: Token) -> bool:
    return token.kind == "punct" and token.text in "{(["


def is_closing(token: Token) -> bool:
    return token.kind == "punct" and token.text in "})]"


def closing(tokens: Sequence[Token], index: int) -> int:
    """The index of the bracket that closes the one at `index` (len(tokens) if none does)."""
    depth = 0
    for at in range(index, len(tokens)):
        if is_opening(tokens[at]):
            depth += 1
        elif is_closing(tokens[at]):
            depth -= 1
            if depth == 0:
                return at
    return len(tokens)
