"""Unit tests of cors_core._text: token checks and log-safe quoting."""

from __future__ import annotations

import pytest

from cors_core._fetch import is_token
from cors_core._text import quote


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        (None, "(none)"),
        ("", "''"),
        ("https://a.example", "'https://a.example'"),
        ("a\r\nb", "'a\\x0d\\x0ab'"),
        ("a\x00b\x7f", "'a\\x00b\\x7f'"),
        ("\u0085", "'\\x85'"),  # NEL
        ("\u2028", "'\\u2028'"),
        ("caf\u00e9", "'caf\\xe9'"),
        ("back\\slash", "'back\\\\slash'"),
    ],
)
def test_quote(value: str | None, quoted: str) -> None:
    assert quote(value) == quoted


def test_quote_cuts_long_values() -> None:
    assert quote("x" * 201) == "'" + "x" * 200 + "'... (201 chars)"
    assert quote("x" * 200) == "'" + "x" * 200 + "'"


def test_quote_is_one_printable_line() -> None:
    out = quote("".join(chr(i) for i in range(0x300)))
    assert all(0x20 <= ord(c) < 0x7F for c in out)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("GET", True),
        ("x-api-key", True),
        ("!#$%&'*+-.^_`|~", True),
        ("", False),
        ("a b", False),
        ("a,b", False),
        ("a:b", False),
        ('"a"', False),
        ("\u00e9", False),
        ("a\n", False),
        ("(a)", False),
    ],
)
def test_is_token(value: str, ok: bool) -> None:
    assert is_token(value) is ok
