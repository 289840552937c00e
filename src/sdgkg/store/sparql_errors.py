"""Parser errors in words: the line, the column and what went wrong, instead of the parser's
list of every token it could have accepted.

pyoxigraph reports `error at LINE:COLUMN: expected one of ...` with character classes and
dozens of alternatives. This module keeps the position and names the usual mistakes: an empty
query, a misspelt keyword, an unknown prefix, a string or a group left open, a query that ends
too early; otherwise it names the token found and the few keywords or signs expected there.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from sdgkg.errors import SparqlSyntaxError
from sdgkg.namespaces import PREFIXES

_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_KEYWORD_WORDS = (
    "SELECT ASK CONSTRUCT DESCRIBE WHERE PREFIX BASE DISTINCT REDUCED FROM NAMED GRAPH OPTIONAL "
    "UNION MINUS FILTER BIND VALUES SERVICE ORDER BY ASC DESC GROUP HAVING LIMIT OFFSET AS "
    "EXISTS NOT IN UNDEF COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG "
    "LANGMATCHES DATATYPE BOUND IRI URI BNODE REGEX CONTAINS STRSTARTS STRENDS LCASE UCASE "
    "COALESCE IF CONCAT STRLEN SUBSTR REPLACE"
)
_KEYWORDS = _KEYWORD_WORDS.split()
# Every other bare word SPARQL 1.1 knows (functions, `a`, booleans), never taken for a typo.
_BUILTIN_WORDS = (
    "A TRUE FALSE LOAD SILENT INTO CLEAR DROP CREATE ADD MOVE COPY INSERT DELETE DATA WITH "
    "USING DEFAULT ALL TO ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC SAMETERM STRLANG STRDT "
    "STRUUID UUID STRBEFORE STRAFTER ENCODE_FOR_URI YEAR MONTH DAY HOURS MINUTES SECONDS "
    "TIMEZONE TZ NOW RAND ABS CEIL FLOOR ROUND MD5 SHA1 SHA256 SHA384 SHA512 TRIPLE SUBJECT "
    "PREDICATE OBJECT ISTRIPLE LATERAL ADJUST"
)
_BUILTINS = set(_BUILTIN_WORDS.split())
_WORD = re.compile(r"[A-Za-z_][\w-]*")
# What is not a bare word: strings, IRIs, comments, variables, prefixed names, language tags,
# numbers (matched first, so that nothing inside them counts).
_NOT_BARE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*|[?$]\w+|@[A-Za-z-]+|[A-Za-z_][\w.-]*:[\w.:%-]*|:[\w.:%-]*"
    r"|\d[\w.]*"
)
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:[\w.-]*$")


def explain_syntax_error(sparql: str, exc: SyntaxError) -> SparqlSyntaxError:
    """The error for a query pyoxigraph could not parse, placed at its line and column (for
    the editor to mark) and said in words."""
    return explain(sparql, str(exc.msg if exc.msg else exc))


def explain(sparql: str, parser_message: str) -> SparqlSyntaxError:
    """The error for a query the parser refused with `parser_message`."""
    if not sparql.strip():
        return SparqlSyntaxError(
            "the query is empty",
            hint="give a query NAME, a .rq FILE or SPARQL text ('sdgkg queries' lists the names)",
        )
    match = _POSITION.search(parser_message)
    if not match:
        return SparqlSyntaxError(f"invalid SPARQL: {' '.join(parser_message.split())}")
    line, column, expected = int(match.group(1)), int(match.group(2)), match.group(3)
    try:
        found = _what(sparql, line, column, expected)
    except (ValueError, IndexError, AttributeError):  # a reading this module missed: the plain one
        found = _Found("the parser stopped here")
    line, column = found.position or (line, column)
    return SparqlSyntaxError(
        f"invalid SPARQL at line {line}, column {column}: {found.message}",
        found.hint,
        line,
        column,
    )


@dataclass(frozen=True)
class _Found:
    message: str
    hint: str | None = None
    position: tuple[int, int] | None = None  # when better than the parser's


def _what(sparql: str, line: int, column: int, expected: str) -> _Found:
    lines = sparql.split("\n")
    text = lines[line - 1] if line <= len(lines) else ""
    before, after = text[: column - 1], text[column - 1 :]
    found = _WORD.match(after)
    if "Prefix not found" in expected:
        prefixed = _PREFIXED.search(before + (found.group() if found else ""))
        name = prefixed.group(1) or "" if prefixed else ""

        known = ", ".join(sorted(PREFIXES))
        hint = f"declare it with PREFIX {name}: <...>, or use one of {known}"
        return _Found(f"unknown prefix '{name}:'", hint)
    open_string = _open_string(sparql)
    if open_string:
        return _Found("this string is not closed", position=open_string)
    # The parser reports how far it got, which for a misspelt keyword or a stray brace is often
    # the end of the query: look for those first.
    typo = _misspelt_keyword(sparql)
    if typo:
        return typo
    unbalanced = _unbalanced(sparql)
    if unbalanced:
        return unbalanced
    missing_by = _missing_by(sparql)
    if missing_by:
        return missing_by
    if not sparql[_offset(lines, line, column) :].strip():
        # The parser got to the end: its list of what it expected there is no guide.
        return _Found("the query ends before it is complete")
    wanted = _readable(expected)
    shown = found.group() if found else (after.split() or [after[:1]])[0]
    return _Found(f"unexpected '{shown}'", f"expected {wanted}" if wanted else None)


def _missing_by(sparql: str) -> _Found | None:
    """ORDER or GROUP without BY, a common slip."""
    words = _bare_words(sparql)
    for index, (word, at) in enumerate(words):
        following = words[index + 1][0] if index + 1 < len(words) else ""
        if word.upper() in ("ORDER", "GROUP") and following.upper() != "BY":
            return _Found(f"{word.upper()} must be followed by BY", position=_position(sparql, at))
    return None


def _bare_words(sparql: str) -> list[tuple[str, int]]:
    """Keywords and function names with their offsets (nothing inside strings, IRIs ...)."""
    words, at = [], 0
    while at < len(sparql):
        skipped = _NOT_BARE.match(sparql, at)
        if skipped and skipped.end() > at:
            at = skipped.end()
            continue
        word = _WORD.match(sparql, at)
        if word:
            words.append((word.group(), at))
            at = word.end()
        else:
            at += 1
    return words


def _misspelt_keyword(sparql: str) -> _Found | None:
    for word, at in _bare_words(sparql):
        upper = word.upper()
        if upper in _KEYWORDS or upper in _BUILTINS:
            continue
        close = difflib.get_close_matches(upper, _KEYWORDS, n=1, cutoff=0.75)
        if close:
            hint = f"did you mean {close[0]}?"
            return _Found(f"unknown word '{word}'", hint, _position(sparql, at))
    return None


def _unbalanced(sparql: str) -> _Found | None:
    """An unclosed or unopened bracket, outside strings, IRIs and comments."""
    text = _NOT_BARE.sub(lambda m: " " * len(m.group()), sparql)
    for opening, closing in (("{", "}"), ("(", ")"), ("[", "]")):
        depth = 0
        for at, ch in enumerate(text):
            depth += (ch == opening) - (ch == closing)
            if depth < 0:
                return _Found(f"this '{closing}' closes nothing", position=_position(sparql, at))
        if depth > 0:
            at = _unclosed(text, opening, closing)
            return _Found(f"this '{opening}' is not closed", position=_position(sparql, at))
    return None


def _unclosed(text: str, opening: str, closing: str) -> int:
    """The offset of the outermost opening bracket left open."""
    stack = []
    for at, ch in enumerate(text):
        if ch == opening:
            stack.append(at)
        elif ch == closing and stack:
            stack.pop()
    return stack[0]


def _position(sparql: str, at: int) -> tuple[int, int]:
    line = sparql.count("\n", 0, at) + 1
    return line, at - (sparql.rfind("\n", 0, at) + 1) + 1


def _offset(lines: list[str], line: int, column: int) -> int:
    return sum(len(text) + 1 for text in lines[: line - 1]) + column - 1


def _open_string(sparql: str) -> tuple[int, int] | None:
    """Where a string literal that never ends starts (line, column), if one does."""
    at, line, column, quote = 0, 1, 1, ""
    start = (0, 0)
    while at < len(sparql):
        ch = sparql[at]
        if quote:
            if ch == "\\":
                at += 2
                column += 2
                continue
            if ch == "\n" or ch == quote:
                if ch == "\n":
                    return start
                quote = ""
        elif ch in "\"'":
            quote, start = ch, (line, column)
        elif ch == "#":  # a comment runs to the end of its line
            end = sparql.find("\n", at)
            at = len(sparql) if end < 0 else end
            continue
        elif ch == "<":  # an IRI: skip to its end (a `<` comparison has a space after it)
            iri = re.match(r"<[^<>\"{}|^`\\\s]*>", sparql[at:])
            if iri:
                at += iri.end()
                column += iri.end()
                continue
        if ch == "\n":
            line, column = line + 1, 1
        else:
            column += 1
        at += 1
    return start if quote else None


def _readable(expected: str) -> str:
    """The keywords and signs of the parser's list, without its character classes."""
    items = re.findall(r'"((?:[^"\\]|\\.)*)"|\b([A-Z][A-Z_0-9]+)\b', expected)
    names = []
    for sign, keyword in items:
        item = keyword or sign.replace('\\"', '"').replace("\\\\", "\\")
        if item and item not in names:
            names.append(item)
    if not names:
        return ""
    shown = ", ".join(f"'{n}'" if not n.isalnum() else n for n in names[:8])
    return ("one of " if len(names) > 1 else "") + shown + (", ..." if len(names) > 8 else "")
