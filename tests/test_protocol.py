"""Reading a protocol request: parameters decode exactly as the standard library decodes them."""

from __future__ import annotations

import urllib.parse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdgkg.server.protocol import HttpError, _params, read_request

# Escapes valid and broken, UTF-8 whole and cut, and the characters that change the decoding.
PIECES = st.sampled_from(
    [*"ab=&+%_ \t\r\n;#é0F", "%41", "%3D", "%26", "%2B", "%0A", "%e2%82%ac", "%C3", "%zz", "%4"]
)


def standard(text: str) -> dict[str, list[str]] | None:
    try:
        return urllib.parse.parse_qs(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return None


def ours(text: str) -> dict[str, list[str]] | None:
    try:
        return _params(text)
    except HttpError as exc:
        assert exc.status == 400
        return None


@given(st.lists(PIECES, max_size=30).map("".join))
@settings(max_examples=3000, deadline=None)
def test_parameters_decode_as_parse_qs_decodes_them(text: str) -> None:
    assert ours(text) == standard(text)


def test_a_whole_query_decodes_through_the_fast_path() -> None:
    sparql = 'PREFIX ex: <http://ex/#>\nSELECT * { ?s ?p "a+b = 5%, ok" } # €\n'
    asked = read_request("GET", "query=" + urllib.parse.quote_plus(sparql), "", b"")
    assert asked.sparql == sparql


def test_bytes_that_are_not_utf8_are_a_bad_request() -> None:
    with pytest.raises(HttpError) as caught:
        read_request("GET", "query=%ff%fe", "", b"")
    assert caught.value.status == 400
