"""SPARQL syntax errors in words a person understands, with their line and column.

The embedded parser says where it stopped and lists every token it could have read there,
character classes included (`['A' ..= 'Z' | '\\u{00C0}'..='\\u{00D6}' ...`). The editor needs
the place, and the person needs to know what is wrong: an undeclared prefix, an unclosed
string or brace, or which word was not expected there.
"""

from __future__ import annotations

import re

from sdgkg.errors import SparqlSyntaxError

_PLACE = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_KEYWORD = re.compile(r"(?<![\w'\"])([A-Z][A-Za-z]+)(?![\w'\"])")
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:[\w.-]*")
_SHOWN_EXPECTED = 8
PREDECLARED = "the prefixes kg:, sdgkg:, skos:, org:, schema:, prov: ... are predeclared"
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
# The query form's keyword, after the PREFIX and BASE lines.
_FORM = re.compile(r"\s*(?:(?:PREFIX\s+[\w.-]*:\s*|BASE\s*)\s+\s*)*([A-Za-z]+)", re.IGNORECASE)
# Strings (long and short), IRIs and comments: brackets inside them do not count.
_HIDDEN = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\s]*>|#[^\n]*"
)


def explain_syntax_error(sparql: str, exc: SyntaxError) -> SparqlSyntaxError:
    """The parser's error as a sentence, placed at its line and column of `sparql`."""
    raw = " ".join(str(exc.msg if exc.msg else exc).split())
    match = _PLACE.match(raw)
    if match is None:
        return SparqlSyntaxError(f"invalid SPARQL: {raw}")
    line, column, expected = int(match.group(1)), int(match.group(2)), match.group(3)
    stray = _stray_closing(sparql)
    if stray is not None:  # the parser would point past it, at the end of the query
        line, column, bracket = stray
        words = f"this '{bracket}' closes nothing: its opening bracket is missing"
    else:
        words = _explain(sparql, line, column, expected)
    hint = PREDECLARED if "prefix" in words else None
    return SparqlSyntaxError(
        f"invalid SPARQL at line {line}, column {column}: {words}",
        hint=hint,
        line=line,
        column=column,
    )


def _explain(sparql: str, line: int, column: int, expected: str) -> str:
    rest = _text_from(sparql, line, column)
    if "Prefix not found" in expected:
        name = _prefix_near(sparql, line, column)
        return f"the prefix '{name}' is not declared; add PREFIX {name} <...> before the query"
    if _inside_string(sparql, line, column):
        return "a string is not closed: its closing quote mark is missing"
    if not rest.strip():
        unclosed = _unclosed(sparql)
        if unclosed:
            return "the query ends too early: " + unclosed
        return f"the end of the query cannot be read; expected {_expected_words(expected)}"
    form = _FORM.match(_without_strings(sparql))
    if form is not None and form.group(1).upper() not in _FORMS:
        return f"a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE, not '{form.group(1)}'"
    found = (_word_at(sparql, line, column) or rest.split()[0])[:30]
    closing = [c for c in _missing_closings(sparql) if f'"{c}"' in expected]
    if closing:
        return f"a closing '{closing[0]}' is missing before '{found}'"
    return f"'{found}' was not expected here; expected {_expected_words(expected)}"


def _word_at(sparql: str, line: int, column: int) -> str:
    text = _line(sparql, line)
    start = end = column - 1
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_:?"):
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end]


def _stray_closing(sparql: str) -> tuple[int, int, str] | None:
    """The first closing bracket that closes nothing, with its line and column."""
    depth = {"}": 0, ")": 0, "]": 0}
    opening = {"{": "}", "(": ")", "[": "]"}
    code = _without_strings(sparql)
    for index, char in enumerate(code):
        if char in opening:
            depth[opening[char]] += 1
        elif char in depth:
            depth[char] -= 1
            if depth[char] < 0:
                line = code.count("\n", 0, index) + 1
                column = index - (code.rfind("\n", 0, index) + 1) + 1
                return line, column, char
    return None


def _without_strings(sparql: str) -> str:
    """The query with strings, IRIs and comments blanked out (same length, same places)."""
    blank = lambda m: re.sub(r"[^\n]", " ", m.group(0))  # noqa: E731
    return _HIDDEN.sub(blank, sparql)


def _text_from(sparql: str, line: int, column: int) -> str:
    lines = sparql.split("\n")
    if line - 1 >= len(lines):
        return ""
    # The column counts characters from 1; the rest of the query starts there.
    return "\n".join([lines[line - 1][column - 1 :], *lines[line:]])


def _prefix_near(sparql: str, line: int, column: int) -> str:
    lines = sparql.split("\n")
    text = lines[line - 1] if line - 1 < len(lines) else ""
    before = text[: column - 1]
    for match in _PREFIXED.finditer(text):
        if match.start() <= len(before) <= match.end() + 1:
            return (match.group(1) or "") + ":"
    start = max(before.rfind(" "), before.rfind("\t")) + 1
    return before[start:].split(":")[0] + ":"


def _inside_string(sparql: str, line: int, column: int) -> bool:
    """Whether a quote mark before the place opens a string that never closes."""
    lines = _without_strings(sparql).split("\n")
    before = "\n".join([*lines[: line - 1], _line("\n".join(lines), line)[: column - 1]])
    return '"' in before or "'" in before


def _line(sparql: str, line: int) -> str:
    lines = sparql.split("\n")
    return lines[line - 1] if line - 1 < len(lines) else ""


def _unclosed(sparql: str) -> str:
    missing = _missing_closings(sparql)
    return " and ".join(f"a closing '{c}' is missing" for c in missing)


def _missing_closings(sparql: str) -> list[str]:
    text = _without_strings(sparql)
    return [c for o, c in ("()", "[]", "{}") if text.count(o) > text.count(c)]


def _expected_words(expected: str) -> str:
    """The tokens the parser could have read, without its character classes."""
    tokens = [t.replace('\\"', '"') for t in _QUOTED.findall(expected)]
    tokens += _KEYWORD.findall(_QUOTED.sub("", expected))
    shown = [f"'{t}'" for t in dict.fromkeys(tokens) if t and t not in ("[_]",)]
    if not shown:
        return "something else"
    if len(shown) > _SHOWN_EXPECTED:
        return "one of " + ", ".join(shown[:_SHOWN_EXPECTED]) + " or another keyword"
    return shown[0] if len(shown) == 1 else "one of " + ", ".join(shown)
